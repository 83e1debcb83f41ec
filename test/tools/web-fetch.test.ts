import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toolResultText } from '../../src/core/text.js';
import { createWebFetchTool } from '../../src/tools/web-fetch.js';
import { run } from './fs-fixture.js';

let server: Server;
let base: string;
let hits = 0;
const page = `<!doctype html><html><head><title>Docs &amp; more</title><style>p{}</style><script>alert(1)</script></head>
<body><h2>Install</h2><p>Run <code>npm i</code> and see <a href="/next">next</a>.</p><ul><li>one</li><li>two</li></ul>
<pre><code>npm test
</code></pre></body></html>`;

beforeEach(async () => {
  hits = 0;
  server = createServer((req, res) => {
    hits++;
    const url = req.url ?? '/';
    if (url === '/page') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    if (url === '/json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}');
    if (url === '/long') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(2500));
    if (url === '/moved') return void res.writeHead(301, { location: '/page' }).end();
    if (url === '/away') return void res.writeHead(302, { location: 'http://example.invalid/elsewhere' }).end();
    if (url === '/bin') return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(10));
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not here</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));

describe('web_fetch', () => {
  it('turns a page into Markdown: title first, scripts and styles gone', async () => {
    const r = await run(createWebFetchTool(), { url: `${base}/page` });
    expect(r.isError).toBeFalsy();
    expect(toolResultText(r.content)).toBe([
      '# Docs & more', '', '## Install', '', 'Run `npm i` and see [next](/next).', '', '-   one', '-   two', '',
      '```', 'npm test', '```',
    ].join('\n'));
    expect(r.details).toMatchObject({ kind: 'web_fetch', status: 200, contentType: 'text/html' });
  });

  it('returns text and JSON as they are, follows same-host redirects, reports others', async () => {
    const tool = createWebFetchTool();
    expect(toolResultText((await run(tool, { url: `${base}/json` })).content)).toBe('{"a":1}');
    expect(toolResultText((await run(tool, { url: `${base}/moved` })).content)).toMatch(/^# Docs & more/);
    const away = await run(tool, { url: `${base}/away` });
    expect(toolResultText(away.content)).toBe(`${base}/away redirects (HTTP 302) to another host: http://example.invalid/elsewhere\n`
      + 'It was not followed. Call web_fetch with that URL if you want it (its host is asked about separately).');
  });

  it('bounds long pages and continues from an offset without fetching again', async () => {
    const tool = createWebFetchTool();
    const first = await run(tool, { url: `${base}/long`, max_chars: 1000 });
    expect(toolResultText(first.content)).toBe(`${'x'.repeat(1000)}\n\n[showing characters 0-1,000 of 2,500; call web_fetch with offset=1000 to continue]`);
    const rest = await run(tool, { url: `${base}/long`, offset: 2000, max_chars: 1000 });
    expect(toolResultText(rest.content)).toBe('x'.repeat(500));
    expect(hits).toBe(1);
  });

  it('says what is wrong: 404, binary, bad URL, nothing listening', async () => {
    const tool = createWebFetchTool();
    const missing = await run(tool, { url: `${base}/nope` });
    expect(missing.isError).toBe(true);
    expect(toolResultText(missing.content)).toBe(`HTTP 404 Not Found from ${base}/nope\n\n# Not here`);
    expect(toolResultText((await run(tool, { url: `${base}/bin` })).content)).toMatch(/is application\/octet-stream \(10 bytes\), not text/);
    expect(toolResultText((await run(tool, { url: 'file:///etc/passwd' })).content)).toMatch(/http and https URLs only/);
    expect(toolResultText((await run(tool, { url: 'not a url' })).content)).toMatch(/is not a URL/);
    const unused = createServer();
    await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', resolve));
    const port = (unused.address() as AddressInfo).port;
    await new Promise<void>((resolve) => unused.close(() => resolve()));
    const refused = await run(tool, { url: `http://127.0.0.1:${port}/` });
    expect(toolResultText(refused.content)).toMatch(/connection refused \(nothing listens there\)/);
  });
});
