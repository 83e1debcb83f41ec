// MCP for a session: reads which servers are configured (cheap, no SDK) and, only when there are some, loads the
// manager (and through it the SDK) and starts them all in the background.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { loadMcpServers, mayHaveMcpServers, type LoadMcpOptions, type McpServerSet } from './config.js';
import type { McpManager } from './manager.js';

export type { McpManager } from './manager.js';

export interface OpenMcpOptions extends LoadMcpOptions {
  cwd: string;
  logDir: string;
  version: string;
  log: (line: string) => void;
  /** The environment stdio servers start in (without model keys); `env` is what `${VAR}` expands from. */
  serverEnv: NodeJS.ProcessEnv;
  sdkTransport?: (server: string) => Transport | undefined;
}

/** Milliseconds from an environment variable, or the default. */
function msFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = Number(env[name]);
  return env[name]?.trim() && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** The limits users can set, in Claude Code's variables where it has them. */
export function mcpLimits(env: NodeJS.ProcessEnv) {
  return {
    connectTimeoutMs: msFrom(env, 'MCP_TIMEOUT', 30_000),
    toolTimeoutMs: msFrom(env, 'MCP_TOOL_TIMEOUT', 10 * 60_000),
    // Claude Code's MAX_MCP_OUTPUT_TOKENS (default 25,000), at ~4 characters a token.
    maxResultChars: msFrom(env, 'MAX_MCP_OUTPUT_TOKENS', 25_000) * 4,
    schemaBudgetChars: msFrom(env, 'TANDEM_MCP_SCHEMA_BUDGET', 40_000),
  };
}

/** The session's MCP servers, started; undefined when none is configured (then nothing MCP is loaded). */
export async function openMcp(opts: OpenMcpOptions): Promise<McpManager | undefined> {
  if (!mayHaveMcpServers(opts)) return undefined;
  const set = loadMcpServers(opts);
  // Untrusted project servers are named in the runtime's one-line trust notice, and by /mcp.
  for (const b of set.broken) opts.log(`MCP server ${b.name} (${b.source}) cannot be used: ${b.error}`);
  if (!set.servers.length && !set.broken.length && !set.untrusted.length) return undefined;
  return startMcp(set, opts);
}

/** A manager for `set`, its servers starting in the background. */
export async function startMcp(set: McpServerSet, opts: Omit<OpenMcpOptions, keyof LoadMcpOptions> & { env: NodeJS.ProcessEnv }): Promise<McpManager> {
  const { McpManager } = await import('./manager.js');
  const manager = new McpManager(set, { ...mcpLimits(opts.env), env: opts.serverEnv, cwd: opts.cwd, logDir: opts.logDir, version: opts.version, sdkTransport: opts.sdkTransport });
  void manager.start();
  return manager;
}
