// The session's MCP servers: started together at launch (nobody waits for them but the first model request),
// their tools offered to the model, their prompts and resources to the front ends, their state to /mcp.
import type { AgentTool, JsonSchema } from '../../core/types.js';
import type { BrokenServer, McpServerConfig, McpServerSet } from './config.js';
import { McpConnection, type ConnectionOptions, type ServerState } from './connection.js';
import { createMcpTool, createSchemaTool, mcpToolName } from './tools.js';

export interface McpManagerOptions extends ConnectionOptions {
  toolTimeoutMs: number;
  maxResultChars: number;
  /** Past this many characters of MCP tool catalogue (names, descriptions, schemas), schemas load on demand. */
  schemaBudgetChars: number;
}

export interface ServerStatus {
  name: string;
  scope: string;
  source: string;
  transport: string;
  state: ServerState | 'invalid';
  error?: string;
  tools: string[];
  prompts: string[];
  logFile?: string;
}

export interface McpPromptCommand {
  /** `/mcp__SERVER__PROMPT` */
  command: string;
  server: string;
  prompt: string;
  description: string;
  arguments: { name: string; required: boolean; description?: string }[];
}

export class McpManager {
  readonly connections: McpConnection[];
  #pending: Promise<void>[] = [];
  #started?: Promise<void>;
  #loaded = new Set<string>();
  #listeners = new Set<() => void>();
  #reported = new Set<string>();

  constructor(readonly set: McpServerSet, private readonly opts: McpManagerOptions) {
    this.connections = [];
    this.#add(set.servers);
  }

  #add(servers: McpServerConfig[]): McpConnection[] {
    const added = servers.filter((s) => !this.connection(s.name)).map((s) => new McpConnection(s, this.opts));
    for (const c of added) c.onListsChanged = () => this.#listeners.forEach((f) => f());
    this.connections.push(...added);
    return added;
  }

  /** Starts every server at once; resolves when each has connected or failed. Safe to call again. */
  start(): Promise<void> {
    this.#started ??= Promise.all(this.connections.map((c) => c.connect())).then(() => {});
    return Promise.all([this.#started, ...this.#pending]).then(() => {});
  }

  /** Servers that arrive later (an SDK program's, named in its initialize request): started at once. */
  addServers(servers: McpServerConfig[]): void {
    const added = this.#add(servers);
    if (!this.#started) return;
    this.#pending.push(Promise.all(added.map((c) => c.connect())).then(() => {}));
  }

  /** Waits for start-up to settle, at most `ms` (servers still starting keep at it; their tools come later). */
  async ready(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.start(), new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
    clearTimeout(timer);
  }

  /** Servers that failed to start and were not reported yet: one line each, for the session's log. */
  takeFailures(): string[] {
    const out: string[] = [];
    for (const c of this.connections) {
      if (c.state !== 'failed' || this.#reported.has(c.name)) continue;
      this.#reported.add(c.name);
      out.push(`MCP server ${c.name} failed to start: ${c.lastError ?? 'unknown error'} (/mcp shows its state; its tools are restarted on use)`);
    }
    return out;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether the catalogue of every MCP tool with its schema passes the budget. */
  get deferring(): boolean {
    return fullCatalogueChars(this.connections) > this.opts.schemaBudgetChars;
  }

  /**
   * The tools to offer now: each connected (or once-connected) server's tools, plus mcp_tool_schema when schemas
   * are deferred. Build them again before each turn: a deferred tool whose schema was fetched is then whole.
   */
  agentTools(): AgentTool[] {
    const deferring = this.deferring;
    const tools: AgentTool[] = [];
    const seen = new Set<string>();
    for (const conn of this.connections) {
      for (const t of conn.tools) {
        const name = mcpToolName(conn.name, t.name);
        if (seen.has(name)) continue;
        seen.add(name);
        tools.push(createMcpTool(conn, t, { timeoutMs: this.opts.toolTimeoutMs, maxResultChars: this.opts.maxResultChars, logDir: this.opts.logDir }, () => deferring && !this.#loaded.has(name)));
      }
    }
    if (deferring) {
      tools.push(createSchemaTool((name) => {
        for (const conn of this.connections) {
          const t = conn.tools.find((x) => mcpToolName(conn.name, x.name) === name);
          if (t) return { schema: t.inputSchema as JsonSchema, load: () => this.#loaded.add(name) };
        }
        return undefined;
      }));
    }
    return tools;
  }

  prompts(): McpPromptCommand[] {
    return this.connections.flatMap((conn) => conn.prompts.map((p) => ({
      command: `/mcp__${conn.name}__${p.name}`,
      server: conn.name,
      prompt: p.name,
      description: p.description ?? p.title ?? `prompt ${p.name} of MCP server ${conn.name}`,
      arguments: (p.arguments ?? []).map((a) => ({ name: a.name, required: !!a.required, ...(a.description ? { description: a.description } : {}) })),
    })));
  }

  connection(server: string): McpConnection | undefined {
    return this.connections.find((c) => c.name === server);
  }

  status(): ServerStatus[] {
    const live = this.connections.map((c): ServerStatus => ({
      name: c.name, scope: c.config.scope, source: c.config.source, transport: c.config.type, state: c.state,
      ...(c.lastError ? { error: c.lastError } : {}),
      tools: c.tools.map((t) => mcpToolName(c.name, t.name)), prompts: c.prompts.map((p) => p.name),
      ...(c.config.type === 'stdio' ? { logFile: c.logFile } : {}),
    }));
    const broken = this.set.broken.map((b: BrokenServer): ServerStatus => ({
      name: b.name, scope: b.scope, source: b.source, transport: '?', state: 'invalid', error: b.error, tools: [], prompts: [],
    }));
    return [...live, ...broken];
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.close()));
  }
}

function fullCatalogueChars(connections: McpConnection[]): number {
  let n = 0;
  for (const c of connections) {
    for (const t of c.tools) n += JSON.stringify({ name: mcpToolName(c.name, t.name), description: t.description ?? '', input_schema: t.inputSchema }).length;
  }
  return n;
}
