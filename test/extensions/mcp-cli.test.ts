// MCP end to end: the built tandem with real MCP servers (--mcp-config, user settings, a trusted project's
// .mcp.json) against the scripted model server: tools in the request, permission rules, prompts as slash
// commands in print mode, @SERVER:URI resources, and server stderr kept off the screen.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runTandem, tempDir, testEnv } from '../support/cli.js';
import { reply } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';
import type { RecordedRequest } from '../support/model-script.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EVERYTHING = path.join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const everything = { mcpServers: { ev: { command: process.execPath, args: [EVERYTHING, 'stdio'] } } };

const t = useScriptedServer();
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function setUp(): { cfg: string; env: Record<string, string | undefined> } {
  const cfg = path.join(t.cwd, 'mcp.json');
  writeFileSync(cfg, JSON.stringify(everything));
  const env = testEnv(t.server.url);
  dirs.push(t.cwd, env.TANDEM_HOME!);
  return { cfg, env };
}

const toolNames = (r: RecordedRequest) => (r.body.tools ?? []).map((x) => x.name);
const lastUserText = (r: RecordedRequest) => JSON.stringify(r.body.messages.at(-1)?.content);

describe('tandem -p with MCP servers', () => {
  it('offers mcp__ev__* tools, runs one allowed by --allow mcp__ev, and keeps the server\'s stderr off the screen', async () => {
    const { cfg, env } = setUp();
    t.server.enqueue(reply().tool('mcp__ev__echo', { message: 'over MCP' }, 'toolu_echo'));
    t.server.enqueue(reply().text('The server echoed.'));
    const run = await runTandem(['-p', 'echo something', '--mcp-config', cfg, '--allow', 'mcp__ev'], { cwd: t.cwd, env });
    expect(run.stderr).not.toMatch(/Starting|STDIO server/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('The server echoed.');
    const [first, second] = t.server.requests;
    expect(toolNames(first!)).toEqual(expect.arrayContaining(['bash', 'mcp__ev__echo', 'mcp__ev__get-sum']));
    expect(JSON.stringify(second!.body.messages.at(-1))).toContain('Echo: over MCP');
  });

  it('denies an MCP tool in print mode unless a rule allows it, and says which flag would', async () => {
    const { cfg, env } = setUp();
    t.server.enqueue(reply().tool('mcp__ev__echo', { message: 'x' }, 'toolu_echo'));
    t.server.enqueue(reply().text('Denied, then.'));
    const run = await runTandem(['-p', 'echo', '--mcp-config', cfg, '--output-format', 'json'], { cwd: t.cwd, env });
    expect(run.code).toBe(3);
    const out = JSON.parse(run.stdout);
    expect(out.permission_denials).toMatchObject([{ tool_name: 'mcp__ev__echo', tool_use_id: 'toolu_echo' }]);
    const result = JSON.stringify(t.server.requests[1]!.body.messages.at(-1));
    expect(result).toContain("--allow 'mcp__ev__echo'");
  });

  it('a deny rule wins over an allow for the whole server', async () => {
    const { cfg, env } = setUp();
    t.server.enqueue(reply().tool('mcp__ev__get-env', {}, 'toolu_env'));
    t.server.enqueue(reply().text('ok'));
    const run = await runTandem(['-p', 'env', '--mcp-config', cfg, '--allow', 'mcp__ev', '--deny', 'mcp__ev__get-env'], { cwd: t.cwd, env });
    expect(run.code).toBe(3);
    expect(JSON.stringify(t.server.requests[1]!.body.messages.at(-1))).toContain('deny rule mcp__ev__get-env');
  });

  it('runs an MCP prompt as a slash command in print mode, with its arguments', async () => {
    const { cfg, env } = setUp();
    t.server.enqueue(reply().text('Sunny.'));
    const run = await runTandem(['-p', '/mcp__ev__args-prompt Lisbon', '--mcp-config', cfg], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    const sent = lastUserText(t.server.requests[0]!);
    expect(sent).toContain('Lisbon');
    expect(sent).not.toContain('/mcp__ev__args-prompt');
  });

  it('a prompt missing a required argument never reaches the model and says what it takes', async () => {
    const { cfg, env } = setUp();
    const run = await runTandem(['-p', '/mcp__ev__args-prompt', '--mcp-config', cfg], { cwd: t.cwd, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('/mcp__ev__args-prompt needs city');
    expect(t.server.requests).toHaveLength(0);
  });

  it('attaches a resource named @SERVER:URI to the prompt', async () => {
    const { cfg, env } = setUp();
    t.server.enqueue(reply().text('Read it.'));
    const run = await runTandem(['-p', 'summarise @ev:demo://resource/static/document/architecture.md please', '--mcp-config', cfg], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    expect(lastUserText(t.server.requests[0]!)).toContain('<resource server=\\"ev\\" uri=\\"demo://resource/static/document/architecture.md\\"');
  });

  it('reads servers from the user\'s settings; a project\'s .mcp.json only once the workspace is trusted', async () => {
    const { env } = setUp();
    writeFileSync(path.join(env.TANDEM_HOME!, 'settings.json'), JSON.stringify({ mcpServers: { mine: everything.mcpServers.ev } }));
    writeFileSync(path.join(t.cwd, '.mcp.json'), JSON.stringify({ mcpServers: { proj: everything.mcpServers.ev } }));
    t.server.enqueue(reply().text('one'));
    const untrusted = await runTandem(['-p', 'hi'], { cwd: t.cwd, env });
    expect(untrusted.code).toBe(0);
    expect(toolNames(t.server.requests[0]!)).toContain('mcp__mine__echo');
    expect(toolNames(t.server.requests[0]!).some((n) => n.startsWith('mcp__proj__'))).toBe(false);
    t.server.enqueue(reply().text('two'));
    const trusted = await runTandem(['-p', 'hi', '--trust'], { cwd: t.cwd, env });
    expect(trusted.code).toBe(0);
    expect(toolNames(t.server.requests[1]!)).toEqual(expect.arrayContaining(['mcp__mine__echo', 'mcp__proj__echo']));
  });

  it('a server that fails to start does not stop the run; its error is logged once', async () => {
    const { env } = setUp();
    const cfg = path.join(t.cwd, 'bad.json');
    mkdirSync(path.join(t.cwd, 'x'));
    writeFileSync(cfg, JSON.stringify({ mcpServers: { gone: { command: 'no-such-mcp-server-xyz' }, typo: { command: '${NOPE_NOT_SET}' } } }));
    t.server.enqueue(reply().text('fine'));
    const run = await runTandem(['-p', 'hi', '--mcp-config', cfg], { cwd: t.cwd, env });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('MCP server typo');
    expect(run.stderr).toContain('${NOPE_NOT_SET}');
  });
});

it('without MCP configured, nothing MCP is loaded (no mcp_tool_schema, no mcp__ tools)', async () => {
  const env = testEnv(t.server.url);
  dirs.push(t.cwd, env.TANDEM_HOME!);
  t.server.enqueue(reply().text('plain'));
  const run = await runTandem(['-p', 'hi'], { cwd: t.cwd, env: { ...env, NODE_DEBUG: undefined } });
  expect(run.code).toBe(0);
  expect(toolNames(t.server.requests[0]!).some((n) => n.startsWith('mcp'))).toBe(false);
  void tempDir;
});
