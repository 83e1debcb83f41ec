// `tandem mcp add|add-json|list|get|remove`, as Claude Code's `claude mcp`: servers are written to the scope's
// file (local: yours, in this workspace; project: .mcp.json; user: all your workspaces). `list` checks each
// server by connecting to it, except a project's servers in an untrusted workspace, which it never runs.
import type { Command } from 'commander';
import { Option } from 'commander';
import { loadMcpServers, parseServer, SERVER_NAME, type McpServerConfig } from '../../extensions/mcp/config.js';
import { addServer, readScope, removeServer, SCOPES, type WritableScope } from '../../extensions/mcp/scopes.js';
import { createWorkspace } from '../../workspace/paths.js';
import { trustOf } from '../../workspace/trust.js';
import { ConfigError } from '../config.js';
import type { RegisterSubcommand } from './shared.js';
import { tandemHome } from './trust.js';

const scopeOption = (what: string) => new Option('-s, --scope <scope>', what).choices([...SCOPES]);

async function where(): Promise<{ home: string; root: string }> {
  return { home: tandemHome(), root: (await createWorkspace(process.cwd())).root };
}

function checkName(name: string): void {
  if (!SERVER_NAME.test(name)) throw new ConfigError(`"${name}": a server name may hold only letters, digits, "_" and "-" (tools are named mcp__NAME__TOOL).`);
}

function pairs(list: string[], sep: string, what: string): Record<string, string> {
  return Object.fromEntries(list.map((item) => {
    const at = item.indexOf(sep);
    if (at <= 0) throw new ConfigError(`${what} "${item}": expected ${sep === '=' ? 'KEY=value' : '"Name: value"'}.`);
    return [item.slice(0, at).trim(), item.slice(at + 1).trim()];
  }));
}

export const register: RegisterSubcommand = (program: Command, ctx) => {
  const mcp = program.command('mcp').description('configure MCP servers (as `claude mcp`): add, add-json, list, get, remove').enablePositionalOptions();

  mcp.command('add')
    .description('add a server: tandem mcp add NAME -- COMMAND [ARGS...], or tandem mcp add -t http NAME URL')
    .argument('<name>', 'server name (its tools are mcp__NAME__TOOL)')
    .argument('<commandOrUrl>', 'the command to run (stdio) or the URL (http, sse)')
    .argument('[args...]', 'the command\'s arguments')
    .addOption(scopeOption('where to save it: local (yours, this workspace), project (.mcp.json), user (all workspaces)').default('local'))
    .addOption(new Option('-t, --transport <transport>', 'how to reach it').choices(['stdio', 'http', 'sse']).default('stdio'))
    .option('-e, --env <KEY=value>', 'environment variable for a stdio server (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('-H, --header <header>', 'HTTP header, e.g. "Authorization: Bearer ${TOKEN}" (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .passThroughOptions()
    .action(async (name: string, target: string, args: string[], o: { scope: WritableScope; transport: string; env: string[]; header: string[] }) => {
      checkName(name);
      // `tandem mcp add NAME -- COMMAND ARGS...`, as with claude mcp add.
      if (target === '--') {
        if (!args.length) throw new ConfigError('tandem mcp add NAME -- COMMAND [ARGS...]: the command is missing.');
        target = args.shift()!;
      }
      const entry = o.transport === 'stdio'
        ? { type: 'stdio', command: target, args, ...(o.env.length ? { env: pairs(o.env, '=', '--env') } : {}) }
        : { type: o.transport, url: target, ...(o.header.length ? { headers: pairs(o.header, ':', '--header') } : {}) };
      await save(name, entry, o.scope);
    });

  mcp.command('add-json')
    .description('add a server from its JSON entry, as in .mcp.json')
    .argument('<name>', 'server name')
    .argument('<json>', 'e.g. \'{"type":"http","url":"https://example.com/mcp"}\'')
    .addOption(scopeOption('where to save it').default('local'))
    .action(async (name: string, json: string, o: { scope: WritableScope }) => {
      checkName(name);
      let entry: unknown;
      try {
        entry = JSON.parse(json);
      } catch (err) {
        throw new ConfigError(`tandem mcp add-json: the JSON is not valid: ${(err as Error).message}`);
      }
      await save(name, entry, o.scope);
    });

  mcp.command('list')
    .description('list the servers this workspace gets, and check each by connecting to it')
    .action(async () => {
      const { home, root } = await where();
      const trusted = (await trustOf(home, root))?.trusted ?? false;
      const set = loadMcpServers({ home, workspaceRoot: root, trusted, env: process.env });
      if (!set.servers.length && !set.broken.length && !set.untrusted.length) {
        process.stdout.write('No MCP servers configured. Add one with tandem mcp add NAME -- COMMAND [ARGS...]\n');
        return;
      }
      const health = await checkAll(set.servers, ctx.version);
      for (const s of set.servers) process.stdout.write(`${s.name}: ${describe(s)} - ${health.get(s.name)}\n`);
      for (const b of set.broken) process.stdout.write(`${b.name}: ✗ cannot be used: ${b.error} (${b.source})\n`);
      for (const u of set.untrusted) process.stdout.write(`${u}: not started - this workspace is not trusted (tandem trust)\n`);
    });

  mcp.command('get')
    .description('show one server: its scope, file, how it is started, and whether it answers')
    .argument('<name>', 'server name')
    .action(async (name: string) => {
      const { home, root } = await where();
      const trusted = (await trustOf(home, root))?.trusted ?? false;
      const set = loadMcpServers({ home, workspaceRoot: root, trusted, env: process.env });
      const s = set.servers.find((x) => x.name === name);
      const broken = set.broken.find((x) => x.name === name);
      if (broken) throw new ConfigError(`${name} (${broken.source}) cannot be used: ${broken.error}`);
      if (!s) {
        const hidden = set.untrusted.find((u) => u.startsWith(`${name} (`));
        if (hidden) throw new ConfigError(`${hidden} is not started: this workspace is not trusted (tandem trust trusts it).`);
        throw new ConfigError(`No MCP server named "${name}". tandem mcp list shows them.`);
      }
      const lines = [`${s.name}:`, `  Scope: ${s.scope} (${s.source})`, `  Type: ${s.type}`];
      if (s.type === 'stdio') {
        lines.push(`  Command: ${s.command}`, `  Args: ${s.args.join(' ')}`);
        if (Object.keys(s.env).length) lines.push(`  Environment: ${Object.keys(s.env).join(', ')} (values not shown)`);
      }
      if (s.type === 'http' || s.type === 'sse') {
        lines.push(`  URL: ${s.url}`);
        if (Object.keys(s.headers).length) lines.push(`  Headers: ${Object.keys(s.headers).join(', ')} (values not shown)`);
      }
      lines.push(`  Status: ${(await checkAll([s], ctx.version)).get(s.name)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  mcp.command('remove')
    .description('remove a server (from the one scope that has it, or the one --scope names)')
    .argument('<name>', 'server name')
    .addOption(scopeOption('which scope to remove it from'))
    .action(async (name: string, o: { scope?: WritableScope }) => {
      const { home, root } = await where();
      const holding = o.scope ? [o.scope] : SCOPES.filter((s) => name in readScope(s, home, root));
      if (!holding.length) throw new ConfigError(`No MCP server named "${name}" in the local, project or user scope.`);
      if (holding.length > 1) throw new ConfigError(`"${name}" is in several scopes (${holding.join(', ')}); say which with --scope.`);
      const { file, removed } = await removeServer(holding[0]!, home, root, name);
      if (!removed) throw new ConfigError(`No MCP server named "${name}" in the ${holding[0]} scope (${file}).`);
      process.stdout.write(`Removed MCP server ${name} from the ${holding[0]} scope (${file}).\n`);
    });

  async function save(name: string, entry: unknown, scope: WritableScope): Promise<void> {
    // Checked as tandem will read it (variables are expanded only when the server starts).
    const parsed = parseServer(name, entry, scope, scope, new Proxy({}, { get: () => 'x' }));
    if ('error' in parsed) throw new ConfigError(`Not added: ${parsed.error}.`);
    const { home, root } = await where();
    const { file, replaced } = await addServer(scope, home, root, name, entry);
    const note = scope === 'project' ? ' Others who open this workspace get it once they trust it.' : '';
    process.stdout.write(`${replaced ? 'Replaced' : 'Added'} ${parsed.type} MCP server ${name} in the ${scope} scope (${file}).${note}\n`);
  }
};

function describe(s: McpServerConfig): string {
  switch (s.type) {
    case 'stdio': return [s.command, ...s.args].join(' ');
    case 'http': case 'sse': return `${s.url} (${s.type.toUpperCase()})`;
    case 'sdk': return '(in the SDK program)';
  }
}

/** Connects to each server at once (MCP_TIMEOUT each); "✓ connected (N tools)" or "✗ failed: why". */
async function checkAll(servers: McpServerConfig[], version: string): Promise<Map<string, string>> {
  const os = await import('node:os');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const logDir = mkdtempSync(`${os.tmpdir()}/tandem-mcp-check-`);
  try {
    const { McpManager } = await import('../../extensions/mcp/manager.js');
    const { mcpLimits } = await import('../../extensions/mcp/index.js');
    const { commandEnv } = await import('../../workspace/secrets.js');
    const manager = new McpManager({ servers, broken: [], untrusted: [] }, { ...mcpLimits(process.env), env: commandEnv(process.env), cwd: process.cwd(), logDir, version });
    await manager.start();
    const out = new Map<string, string>();
    for (const s of manager.status()) {
      out.set(s.name, s.state === 'connected' ? `✓ connected (${s.tools.length} tools${s.prompts.length ? `, ${s.prompts.length} prompts` : ''})` : `✗ failed: ${s.error ?? s.state}`);
    }
    await manager.close();
    return out;
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}
