// Which MCP servers a session gets, from Claude Code's files and tandem's own, without loading the MCP SDK:
// `.mcp.json` (project), `mcpServers` in tandem's settings (user, project, and the user's per-project "local"
// entries), and `--mcp-config FILE|JSON` (repeatable). Project-scoped servers load only in a trusted workspace.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type McpScope = 'user' | 'project' | 'local' | 'flag';

interface ServerBase {
  name: string;
  scope: McpScope;
  /** The file (or `--mcp-config`) it was read from. */
  source: string;
}
export interface StdioServer extends ServerBase { type: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd?: string }
export interface HttpServer extends ServerBase { type: 'http' | 'sse'; url: string; headers: Record<string, string> }
/** An in-process server of a Claude Agent SDK program, reached over the control protocol (`mcp_message`). */
export interface SdkServer extends ServerBase { type: 'sdk' }
export type McpServerConfig = StdioServer | HttpServer | SdkServer;

/** A server whose entry cannot be used: it shows in /mcp and `tandem mcp list` with the reason. */
export interface BrokenServer { name: string; scope: McpScope; source: string; error: string }

export interface McpServerSet {
  servers: McpServerConfig[];
  broken: BrokenServer[];
  /** Project servers left out because the workspace is not trusted. */
  untrusted: string[];
}

export interface LoadMcpOptions {
  /** tandem's home (~/.tandem): its settings.json holds user and local servers. */
  home: string;
  workspaceRoot: string;
  /** `--mcp-config` values: file paths or JSON text. */
  flagConfigs?: string[];
  /** `--strict-mcp-config`: only the servers of --mcp-config. */
  strict?: boolean;
  /** Project files (.mcp.json, .tandem/settings*.json) may start servers. */
  trusted: boolean;
  env: NodeJS.ProcessEnv;
}

/** The files tandem reads servers from, lowest precedence first, with their scope. */
export function mcpFiles(home: string, workspaceRoot: string): { file: string; scope: McpScope; key: 'mcpServers' | 'local' }[] {
  return [
    { file: path.join(home, 'settings.json'), scope: 'user', key: 'mcpServers' },
    { file: path.join(workspaceRoot, '.mcp.json'), scope: 'project', key: 'mcpServers' },
    { file: path.join(workspaceRoot, '.tandem', 'settings.json'), scope: 'project', key: 'mcpServers' },
    { file: path.join(workspaceRoot, '.tandem', 'settings.local.json'), scope: 'project', key: 'mcpServers' },
    { file: path.join(home, 'settings.json'), scope: 'local', key: 'local' },
  ];
}

/** A cheap test, for start-up: could any server be configured? (No JSON parsing when the answer is no.) */
export function mayHaveMcpServers(opts: Pick<LoadMcpOptions, 'home' | 'workspaceRoot' | 'flagConfigs'>): boolean {
  if (opts.flagConfigs?.length) return true;
  // Untrusted project files count too: /mcp then says what was not started, and why (no SDK is loaded for that).
  return mcpFiles(opts.home, opts.workspaceRoot).some(({ file }) => existsSync(file) && /"mcpServers"\s*:/.test(readFileSync(file, 'utf8')));
}

/** Reads every source; later sources win on a name (user < project < local < --mcp-config). */
export function loadMcpServers(opts: LoadMcpOptions): McpServerSet {
  const byName = new Map<string, McpServerConfig | BrokenServer>();
  const untrusted: string[] = [];
  const add = (entries: Record<string, unknown>, scope: McpScope, source: string) => {
    for (const [name, raw] of Object.entries(entries)) byName.set(name, parseServer(name, raw, scope, source, opts.env));
  };
  if (!opts.strict) {
    for (const { file, scope, key } of mcpFiles(opts.home, opts.workspaceRoot)) {
      const json = readJsonFile(file);
      if (json === undefined) continue;
      if ('error' in json) {
        byName.set(`(${path.basename(file)})`, { name: `(${path.basename(file)})`, scope, source: file, error: json.error });
        continue;
      }
      const entries = key === 'local' ? localEntries(json.value, opts.workspaceRoot) : objectAt(json.value, 'mcpServers');
      if (!entries || !Object.keys(entries).length) continue;
      if (scope === 'project' && !opts.trusted) {
        untrusted.push(...Object.keys(entries).map((n) => `${n} (${path.relative(opts.workspaceRoot, file)})`));
        continue;
      }
      add(entries, scope, file);
    }
  }
  for (const value of opts.flagConfigs ?? []) {
    const { json, source } = readFlagConfig(value);
    if ('error' in json) {
      byName.set(`(--mcp-config ${source})`, { name: `(--mcp-config ${source})`, scope: 'flag', source, error: json.error });
      continue;
    }
    const entries = objectAt(json.value, 'mcpServers');
    if (!entries) {
      byName.set(`(--mcp-config ${source})`, { name: `(--mcp-config ${source})`, scope: 'flag', source, error: 'expected {"mcpServers": {"NAME": {...}}}' });
      continue;
    }
    add(entries, 'flag', source);
  }
  const servers: McpServerConfig[] = [];
  const broken: BrokenServer[] = [];
  for (const entry of byName.values()) ('error' in entry ? broken : servers).push(entry as never);
  return { servers, broken, untrusted };
}

/** `{"projects": {"/real/path": {"mcpServers": {...}}}}` in the user's settings: Claude Code's "local" scope. */
function localEntries(json: unknown, workspaceRoot: string): Record<string, unknown> | undefined {
  const projects = objectAt(json, 'projects');
  return projects ? objectAt(projects[workspaceRoot], 'mcpServers') : undefined;
}

function readJsonFile(file: string): { value: unknown } | { error: string } | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return { value: JSON.parse(readFileSync(file, 'utf8')) };
  } catch (err) {
    return { error: `cannot read ${file}: ${(err as Error).message}` };
  }
}

/** `--mcp-config` takes a file or, as Claude Code's SDK passes it, the JSON itself. */
function readFlagConfig(value: string): { json: { value: unknown } | { error: string }; source: string } {
  const text = value.trim();
  if (text.startsWith('{')) {
    try {
      return { json: { value: JSON.parse(text) }, source: '--mcp-config' };
    } catch (err) {
      return { json: { error: `--mcp-config: the JSON given is not valid: ${(err as Error).message}` }, source: '--mcp-config' };
    }
  }
  const file = path.resolve(value);
  const json = readJsonFile(file) ?? { error: `--mcp-config ${value}: no such file` };
  return { json, source: file };
}

function objectAt(json: unknown, key: string): Record<string, unknown> | undefined {
  if (!isObject(json)) return undefined;
  const v = json[key];
  return isObject(v) ? v : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A server name as tool names carry it: `mcp__NAME__tool` takes letters, digits, `_` and `-`. */
export const SERVER_NAME = /^[A-Za-z0-9_-]+$/;

/** Validates one entry and expands `${VAR}` / `${VAR:-default}` in its command, args, env, URL and headers. */
export function parseServer(name: string, raw: unknown, scope: McpScope, source: string, env: NodeJS.ProcessEnv): McpServerConfig | BrokenServer {
  const broken = (error: string): BrokenServer => ({ name, scope, source, error });
  if (!SERVER_NAME.test(name)) return broken(`the name "${name}" may hold only letters, digits, "_" and "-"`);
  if (!isObject(raw)) return broken('expected an object such as {"command": "npx", "args": ["-y", "some-server"]}');
  const type = typeof raw.type === 'string' ? raw.type : raw.url !== undefined ? 'http' : 'stdio';
  try {
    const x = (v: unknown, what: string) => expandVars(stringField(v, what), env, what);
    switch (type) {
      case 'stdio': {
        if (raw.command === undefined) return broken('a stdio server needs "command"');
        const args = raw.args === undefined ? [] : arrayField(raw.args, 'args').map((a, i) => x(a, `args[${i}]`));
        return {
          name, scope, source, type: 'stdio', command: x(raw.command, 'command'), args,
          env: mapField(raw.env, 'env', (v, k) => x(v, `env.${k}`)),
          ...(raw.cwd !== undefined ? { cwd: x(raw.cwd, 'cwd') } : {}),
        };
      }
      case 'http': case 'streamable-http': case 'streamableHttp': case 'sse': {
        if (raw.url === undefined) return broken(`a ${type} server needs "url"`);
        const url = x(raw.url, 'url');
        try {
          new URL(url);
        } catch {
          return broken(`"url" is not a URL: ${url}`);
        }
        return {
          name, scope, source, type: type === 'sse' ? 'sse' : 'http', url,
          headers: mapField(raw.headers, 'headers', (v, k) => x(v, `headers.${k}`)),
        };
      }
      case 'sdk':
        return { name, scope, source, type: 'sdk' };
      default:
        return broken(`unknown "type": "${type}" (use "stdio", "http" or "sse")`);
    }
  } catch (err) {
    return broken((err as Error).message);
  }
}

function stringField(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new Error(`"${what}" must be a string`);
  return v;
}

function arrayField(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`"${what}" must be an array of strings`);
  return v;
}

function mapField(v: unknown, what: string, f: (v: unknown, key: string) => string): Record<string, string> {
  if (v === undefined) return {};
  if (!isObject(v)) throw new Error(`"${what}" must be an object of strings`);
  return Object.fromEntries(Object.entries(v).map(([k, val]) => [k, f(val, k)]));
}

/** `${VAR}` and `${VAR:-default}`, as Claude Code expands them; an unset variable without a default is an error. */
export function expandVars(text: string, env: NodeJS.ProcessEnv, what = 'value'): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw new Error(`"${what}" uses \${${name}}, which is not set (set it, or write \${${name}:-default})`);
  });
}
