// `tandem mcp add|add-json|list|get|remove` through the built binary, and `/mcp` and MCP prompts in the REPL.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runTandem, startTandem, tempDir, testEnv, watch } from '../support/cli.js';
import { reply } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EVERYTHING = path.join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

const t = useScriptedServer();
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function env(): Record<string, string | undefined> {
  const e = testEnv(t.server.url);
  dirs.push(t.cwd, e.TANDEM_HOME!);
  return e;
}
/** A URL where nothing listens: a port that was free a moment ago. */
async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/mcp`;
}
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('tandem mcp', () => {
  it('adds to each scope\'s file, lists with a health check, gets one, and removes it', async () => {
    const e = env();
    const closed = await closedPortUrl();
    const mcp = (...args: string[]) => runTandem(['mcp', ...args], { cwd: t.cwd, env: e });
    const local = await mcp('add', 'ev', '--', process.execPath, EVERYTHING, 'stdio');
    expect(local.stdout).toContain('Added stdio MCP server ev in the local scope');
    expect(json(path.join(e.TANDEM_HOME!, 'settings.json')).projects[t.cwd].mcpServers.ev).toEqual({ type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'] });

    const user = await mcp('add', '--scope', 'user', '--transport', 'http', '--header', 'Authorization: Bearer ${TOKEN:-none}', 'web', closed);
    expect(user.code).toBe(0);
    expect(json(path.join(e.TANDEM_HOME!, 'settings.json')).mcpServers.web).toEqual({ type: 'http', url: closed, headers: { Authorization: 'Bearer ${TOKEN:-none}' } });

    const project = await mcp('add-json', '-s', 'project', 'proj', JSON.stringify({ command: 'node', args: ['x.js'] }));
    expect(project.stdout).toContain('once they trust it');
    expect(json(path.join(t.cwd, '.mcp.json')).mcpServers.proj).toEqual({ command: 'node', args: ['x.js'] });

    const bad = await mcp('add-json', 'bad', '{"type":"ftp"}');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown "type": "ftp"');

    const list = await mcp('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ev: .*server-everything.* - ✓ connected \(\d+ tools, \d+ prompts\)$/m);
    expect(list.stdout).toContain(`web: ${closed} (HTTP) - ✗ failed: nothing listens at ${closed} (connection refused)`);
    // The untrusted project's server is listed, never started.
    expect(list.stdout).toContain('proj (.mcp.json): not started - this workspace is not trusted');

    const get = await mcp('get', 'web');
    expect(get.stdout).toContain('Headers: Authorization (values not shown)');
    expect(get.stdout).not.toContain('Bearer');

    expect((await mcp('remove', 'ev')).stdout).toContain('Removed MCP server ev from the local scope');
    expect(json(path.join(e.TANDEM_HOME!, 'settings.json')).projects[t.cwd].mcpServers).toEqual({});
    const missing = await mcp('remove', 'ev');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No MCP server named "ev"');
    expect(existsSync(path.join(t.cwd, '.mcp.json'))).toBe(true);
  });
});

describe('MCP in the REPL', () => {
  it('/mcp shows each server\'s state, tools and last error; an MCP prompt is sent as a prompt', async () => {
    const e = env();
    const cfg = JSON.stringify({ mcpServers: { ev: { command: process.execPath, args: [EVERYTHING, 'stdio'] }, gone: { command: 'no-such-mcp-server-xyz' } } });
    const w = watch(startTandem(['--mcp-config', cfg], { cwd: t.cwd, env: e }));
    try {
      // The first prompt waits for the servers' start; /mcp then shows how each one went.
      t.server.enqueue(reply().text('Here is a simple answer.'));
      w.child.stdin!.write('/mcp__ev__simple-prompt\n');
      await w.waitFor(/Here is a simple answer\./, { timeoutMs: 20_000 });
      expect(JSON.stringify(t.server.requests[0]!.body.messages.at(-1))).toContain('This is a simple prompt without arguments.');
      w.child.stdin!.write('/mcp\n');
      await w.waitFor(/✓ ev {2}connected[\s\S]*tools: .*echo[\s\S]*✗ gone {2}failed[\s\S]*last error: the command "no-such-mcp-server-xyz" was not found/);
    } finally {
      w.child.stdin!.end('exit\n');
      await w.done;
    }
    void tempDir;
  });
});
