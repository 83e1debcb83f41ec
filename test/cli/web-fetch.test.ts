// web_fetch through the built binary: a host nobody allowed is denied in print mode with the rule that allows
// it; with that rule the page reaches the model as Markdown.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTandem, testEnv } from '../support/cli.js';
import { reply, toolResultsOf } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
let site: Server;
let url: string;
beforeEach(async () => {
  site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Hello</h1><p>from the <b>site</b></p>'));
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
});
afterEach(() => new Promise<void>((resolve) => { site.closeAllConnections(); site.close(() => resolve()); }));

describe('web_fetch in tandem -p', () => {
  it('is denied per host until a WebFetch(domain:...) rule allows it', async () => {
    t.server.enqueue(reply().tool('web_fetch', { url }, 'toolu_f1'));
    t.server.enqueue(reply().text('Denied.'));
    const denied = await runTandem(['-p', 'read the site'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(denied.code).toBe(3);
    expect(toolResultsOf(t.server.requests[1]!).toolu_f1!.text).toContain("--allow 'WebFetch(domain:127.0.0.1)'");
    expect(denied.stderr).toContain("WebFetch(domain:127.0.0.1)");

    t.server.enqueue(reply().tool('web_fetch', { url }, 'toolu_f2'));
    t.server.enqueue(reply().text('It says hello.'));
    const allowed = await runTandem(['-p', 'read the site', '--allow', 'WebFetch(domain:127.0.0.1)'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(allowed.code).toBe(0);
    expect(toolResultsOf(t.server.requests[3]!).toolu_f2).toEqual({ text: '# Hello\n\nfrom the **site**', isError: false });
    expect(allowed.stdout).toContain('It says hello.');
  });
});
