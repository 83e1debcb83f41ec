// The MCP client against real servers: the reference "everything" and "filesystem" servers over stdio, a
// streamable-HTTP server built here with the SDK (bearer header), a server killed mid-call, one that never
// answers initialize, and one with 120 tools whose schemas load on demand.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openMcp, type McpManager } from '../../src/extensions/mcp/index.js';
import type { AgentTool, ToolResult } from '../../src/core/types.js';
import { toolResultText } from '../../src/core/text.js';
import { tempDir } from '../support/cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const EVERYTHING = path.join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const FILESYSTEM = path.join(root, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const FIXTURES = path.join(root, 'test/support/mcp');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

async function open(servers: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<{ mcp: McpManager; dir: string }> {
  const dir = tempDir('tandem-mcp-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const mcp = await openMcp({
    home: path.join(dir, 'home'), workspaceRoot: dir, cwd: dir, logDir: dir, trusted: false, version: 'test',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, serverEnv: { PATH: process.env.PATH, HOME: process.env.HOME }, log: () => {},
    flagConfigs: [JSON.stringify({ mcpServers: servers })],
  });
  if (!mcp) throw new Error('no MCP manager');
  cleanups.push(() => mcp.close());
  await mcp.start();
  return { mcp, dir };
}

const node = (script: string, ...args: string[]) => ({ command: process.execPath, args: [script, ...args] });

function call(tool: AgentTool | undefined, input: unknown, signal = new AbortController().signal, progress?: (t: string) => void): Promise<ToolResult> {
  if (!tool) throw new Error('no such tool');
  return tool.execute(input, { signal, toolUseId: 'toolu_1', onProgress: progress });
}
const toolOf = (mcp: McpManager, name: string) => mcp.agentTools().find((t) => t.name === name);

describe('MCP against the reference servers', () => {
  it('offers the everything server\'s tools as mcp__SERVER__TOOL and calls them: text, images, errors, progress', async () => {
    const { mcp } = await open({ everything: node(EVERYTHING, 'stdio') });
    const status = mcp.status()[0]!;
    expect(status.state).toBe('connected');
    expect(status.tools).toEqual(expect.arrayContaining(['mcp__everything__echo', 'mcp__everything__get-sum', 'mcp__everything__get-tiny-image']));
    const echo = toolOf(mcp, 'mcp__everything__echo')!;
    expect(echo.inputSchema).toMatchObject({ type: 'object', properties: { message: expect.any(Object) } });

    expect(await call(echo, { message: 'hello' })).toMatchObject({ content: 'Echo: hello', details: { kind: 'mcp', server: 'everything', tool: 'echo' } });
    expect((await call(toolOf(mcp, 'mcp__everything__get-sum'), { a: 2, b: 3 })).content).toMatch(/\b5\b/);
    const image = await call(toolOf(mcp, 'mcp__everything__get-tiny-image'), {});
    expect(Array.isArray(image.content) && image.content.some((b) => b.type === 'image' && b.source.media_type === 'image/png')).toBe(true);
    // Invalid arguments are the server's to refuse: the model gets an error result it can act on.
    const invalid = await call(echo, { message: 42 });
    expect(invalid.isError).toBe(true);
    expect(toolResultText(invalid.content)).toMatch(/message|invalid|expected/i);

    const progress: string[] = [];
    const long = await call(toolOf(mcp, 'mcp__everything__trigger-long-running-operation'), { duration: 0.3, steps: 3 }, undefined, (t) => progress.push(t));
    expect(long.isError).toBeFalsy();
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toMatch(/\d\/3/);
  });

  it('expands the everything server\'s prompts and reads its resources', async () => {
    const { mcp } = await open({ everything: node(EVERYTHING, 'stdio') });
    const prompts = mcp.prompts().map((p) => p.command);
    expect(prompts).toEqual(expect.arrayContaining(['/mcp__everything__simple-prompt', '/mcp__everything__args-prompt']));
    const conn = mcp.connection('everything')!;
    const got = await conn.getPrompt('args-prompt', { city: 'Lisbon' });
    expect(JSON.stringify(got.messages)).toContain('Lisbon');
    const resources = await conn.listResources();
    expect(resources.length).toBeGreaterThan(0);
    const read = await conn.readResource(resources[0]!.uri);
    expect(read.contents[0]!.uri).toBe(resources[0]!.uri);
  });

  it('works with the filesystem server in its allowed folder, and says what it refuses outside it', async () => {
    const dir = tempDir('tandem-mcp-fs-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'notes.txt'), 'remember the milk\n');
    const { mcp } = await open({ fs: node(FILESYSTEM, dir) });
    const read = await call(toolOf(mcp, 'mcp__fs__read_text_file') ?? toolOf(mcp, 'mcp__fs__read_file'), { path: path.join(dir, 'notes.txt') });
    expect(toolResultText(read.content)).toContain('remember the milk');
    const outside = await call(toolOf(mcp, 'mcp__fs__read_text_file') ?? toolOf(mcp, 'mcp__fs__read_file'), { path: '/etc/hostname' });
    expect(outside.isError).toBe(true);
    expect(toolResultText(outside.content)).toMatch(/denied|outside|allowed/i);
  });
});

describe('MCP over streamable HTTP', () => {
  it('connects with a bearer header from ${VAR}, lists and calls tools; a wrong token is a clear start error', async () => {
    const httpServer = http.createServer(async (req, res) => {
      if (req.headers.authorization !== 'Bearer sekrit-token') {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unauthorized' }));
        return;
      }
      const server = new McpServer({ name: 'http-test', version: '1.0.0' });
      server.registerTool('add', { description: 'Adds two numbers.', inputSchema: { a: z.number(), b: z.number() } },
        async ({ a, b }) => ({ content: [{ type: 'text', text: `sum=${a + b}` }] }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => { void transport.close(); void server.close(); });
      await server.connect(transport);
      await transport.handleRequest(req, res);
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => { httpServer.closeAllConnections(); httpServer.close(() => resolve()); }).catch(() => {}));
    const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/mcp`;

    const { mcp } = await open({
      good: { type: 'http', url, headers: { Authorization: 'Bearer ${HTTP_TOKEN}' } },
      bad: { type: 'http', url, headers: { Authorization: 'Bearer ${WRONG_TOKEN:-nope}' } },
    }, { HTTP_TOKEN: 'sekrit-token' });
    const [good, bad] = mcp.status();
    expect(good).toMatchObject({ name: 'good', state: 'connected', tools: ['mcp__good__add'] });
    expect(bad).toMatchObject({ name: 'bad', state: 'failed' });
    expect(bad!.error).toMatch(/401|unauthori/i);
    expect(await call(toolOf(mcp, 'mcp__good__add'), { a: 2, b: 40 })).toMatchObject({ content: 'sum=42' });
    // The server goes away: the call says so, and the server counts as stopped (the next call connects again).
    const add = toolOf(mcp, 'mcp__good__add');
    await new Promise<void>((resolve) => { httpServer.closeAllConnections(); httpServer.close(() => resolve()); });
    const gone = await call(add, { a: 1, b: 1 });
    expect(gone.isError).toBe(true);
    expect(toolResultText(gone.content)).toMatch(/could not be reached for add: the server stopped answering at http:\/\/127\.0\.0\.1:\d+\/mcp \((connection refused|fetch failed)\)\. It will be connected again on the next call\./);
    expect(mcp.status()[0]!.state).toBe('closed');
  });
});

describe('MCP over SSE', () => {
  it('connects to an SSE server with its bearer header on the event stream and the posts', async () => {
    const transports = new Map<string, SSEServerTransport>();
    const seen: string[] = [];
    const httpServer = http.createServer(async (req, res) => {
      seen.push(`${req.method} ${req.headers.authorization}`);
      if (req.headers.authorization !== 'Bearer sse-token') { res.writeHead(401).end(); return; }
      if (req.method === 'GET' && req.url === '/sse') {
        const transport = new SSEServerTransport('/messages', res);
        transports.set(transport.sessionId, transport);
        const server = new McpServer({ name: 'sse-test', version: '1.0.0' });
        server.registerTool('shout', { description: 'Upper-cases text.', inputSchema: { text: z.string() } },
          async ({ text }) => ({ content: [{ type: 'text', text: text.toUpperCase() }] }));
        await server.connect(transport);
        return;
      }
      const id = new URL(req.url ?? '', 'http://x').searchParams.get('sessionId') ?? '';
      await transports.get(id)?.handlePostMessage(req, res);
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => { httpServer.closeAllConnections(); httpServer.close(() => resolve()); }));
    const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/sse`;
    const { mcp } = await open({ old: { type: 'sse', url, headers: { Authorization: 'Bearer ${SSE_TOKEN}' } } }, { SSE_TOKEN: 'sse-token' });
    expect(mcp.status()[0]).toMatchObject({ state: 'connected', tools: ['mcp__old__shout'] });
    expect(await call(toolOf(mcp, 'mcp__old__shout'), { text: 'quiet' })).toMatchObject({ content: 'QUIET' });
    expect(seen).toContain('GET Bearer sse-token');
    expect(seen).toContain('POST Bearer sse-token');
  });
});

describe('MCP servers that fail', () => {
  it('a server killed mid-call gives a clear error result, and the next call restarts it', async () => {
    const { mcp, dir } = await open({ crashy: node(path.join(FIXTURES, 'crash-server.mjs')) });
    const pid1 = toolResultText((await call(toolOf(mcp, 'mcp__crashy__pid'), {})).content);
    const crashed = await call(toolOf(mcp, 'mcp__crashy__crash'), {});
    expect(crashed.isError).toBe(true);
    expect(toolResultText(crashed.content)).toMatch(/MCP server "crashy" stopped during the call to crash.*restarted on the next call/s);
    expect(mcp.status()[0]!.state).toBe('closed');
    const pid2 = toolResultText((await call(toolOf(mcp, 'mcp__crashy__pid'), {})).content);
    expect(pid2).toMatch(/^\d+$/);
    expect(pid2).not.toBe(pid1);
    expect(mcp.status()[0]!.state).toBe('connected');
    // Its stderr went to its log, not to tandem's output.
    expect(readFileSync(path.join(dir, 'mcp-crashy.log'), 'utf8')).toContain('crashy: exiting on purpose');
  });

  it('a server that never answers initialize fails at its start timeout and says so; calls say it is not running', async () => {
    const { mcp } = await open({ silent: node(path.join(FIXTURES, 'silent-server.mjs')) }, { MCP_TIMEOUT: '700' });
    const status = mcp.status()[0]!;
    expect(status.state).toBe('failed');
    expect(status.error).toMatch(/did not answer initialize within 1 s \(MCP_TIMEOUT\)/);
    expect(mcp.agentTools()).toEqual([]);
  });

  it('a command that does not exist is named in the error', async () => {
    const { mcp } = await open({ gone: { command: 'no-such-mcp-server-xyz' } });
    expect(mcp.status()[0]).toMatchObject({ state: 'failed', error: 'the command "no-such-mcp-server-xyz" was not found' });
  });

  it('a call past MCP_TOOL_TIMEOUT is cancelled with a clear result; an interrupt cancels a call on the server', async () => {
    const { mcp, dir } = await open({ crashy: node(path.join(FIXTURES, 'crash-server.mjs')) }, { MCP_TOOL_TIMEOUT: '300' });
    const slow = toolOf(mcp, 'mcp__crashy__slow');
    const timedOut = await call(slow, { ms: 5_000 });
    expect(timedOut).toMatchObject({ isError: true });
    expect(toolResultText(timedOut.content)).toMatch(/did not answer slow within 0 s \(MCP_TOOL_TIMEOUT\)|did not answer slow within/);

    const ctl = new AbortController();
    const running = call(slow, { ms: 200 }, ctl.signal);
    ctl.abort(new Error('interrupted by the user'));
    expect(toolResultText((await running).content)).toMatch(/Interrupted/);
    await expect.poll(() => readFileSync(path.join(dir, 'mcp-crashy.log'), 'utf8')).toContain('slow was cancelled');
  });

  it('an oversized result is cut with a note, the whole text saved to a file', async () => {
    const { mcp } = await open({ crashy: node(path.join(FIXTURES, 'crash-server.mjs')) }, { MAX_MCP_OUTPUT_TOKENS: '1000' });
    const big = await call(toolOf(mcp, 'mcp__crashy__big'), { chars: 50_000 });
    const text = toolResultText(big.content);
    expect(text.length).toBeLessThan(5_000);
    const saved = (big.details as { savedTo?: string }).savedTo!;
    expect(text).toContain(saved);
    expect(readFileSync(saved, 'utf8')).toHaveLength(50_000);
  });
});

describe('many MCP tools', () => {
  it('past the budget, tools are announced without schemas; mcp_tool_schema returns one and loads it', async () => {
    const { mcp } = await open({ many: node(path.join(FIXTURES, 'many-tools-server.mjs')) });
    const tools = mcp.agentTools();
    expect(tools).toHaveLength(121);
    const t7 = tools.find((t) => t.name === 'mcp__many__tool_7')!;
    expect(t7.inputSchema).toEqual({ type: 'object' });
    expect(t7.description).toMatch(/^Tool number 7: .* \[schema: mcp_tool_schema\]$/);
    const schema = await call(tools.find((t) => t.name === 'mcp_tool_schema'), { tools: ['mcp__many__tool_7'] });
    expect(toolResultText(schema.content)).toContain('"dryRun"');
    const again = mcp.agentTools().find((t) => t.name === 'mcp__many__tool_7')!;
    expect(again.inputSchema).toMatchObject({ properties: { id: expect.any(Object) } });
    expect(await call(again, { id: 'rec_1', fields: {} })).toMatchObject({ content: 'tool_7 did rec_1' });
  });
});

describe('MCP configuration', () => {
  it('reads no project server in an untrusted workspace, and reads them once trusted', async () => {
    const dir = tempDir('tandem-mcp-cfg-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(path.join(dir, 'home'));
    writeFileSync(path.join(dir, '.mcp.json'), JSON.stringify({ mcpServers: { proj: { command: 'true' } } }));
    writeFileSync(path.join(dir, 'home', 'settings.json'), JSON.stringify({ mcpServers: { mine: { command: 'true' } } }));
    const { loadMcpServers } = await import('../../src/extensions/mcp/config.js');
    const base = { home: path.join(dir, 'home'), workspaceRoot: dir, env: {} };
    const untrusted = loadMcpServers({ ...base, trusted: false });
    expect(untrusted.servers.map((s) => s.name)).toEqual(['mine']);
    expect(untrusted.untrusted).toEqual(['proj (.mcp.json)']);
    expect(loadMcpServers({ ...base, trusted: true }).servers.map((s) => `${s.name}:${s.scope}`)).toEqual(['mine:user', 'proj:project']);
  });
});
