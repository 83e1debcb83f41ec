// One MCP server: connects over its transport (the SDK is imported here, on first connect), lists its tools
// and prompts, calls them with a timeout and the turn's signal, and knows its state and last error. A server
// that failed, hung on start or died is connected again by the next call that needs it.
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, GetPromptResult, Prompt, ReadResourceResult, Resource, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from './config.js';

export type ServerState = 'connecting' | 'connected' | 'failed' | 'closed';

export interface ConnectionOptions {
  /** The environment of stdio servers (tandem's, without model keys), under each server's own `env`. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Servers' stderr goes to `<logDir>/mcp-NAME.log`, never to the screen. */
  logDir: string;
  /** How long a server may take to answer `initialize` (MCP_TIMEOUT). */
  connectTimeoutMs: number;
  version: string;
  /** For `type: "sdk"` servers: a transport to the SDK program's in-process server (the control protocol). */
  sdkTransport?: (server: string) => Transport | undefined;
}

export interface CallOptions {
  signal: AbortSignal;
  timeoutMs: number;
  onProgress?: (text: string) => void;
}

/** Why a call could not be made or did not finish; the message is written for the model. */
export class McpCallError extends Error {
  override name = 'McpCallError';
}

const STDERR_TAIL = 2_000;

export class McpConnection {
  state: ServerState = 'connecting';
  lastError?: string;
  tools: Tool[] = [];
  prompts: Prompt[] = [];
  instructions?: string;
  /** Told when the server's tool or prompt list changed (after a reconnect or a list_changed notice). */
  onListsChanged?: () => void;
  #client?: Client;
  #connecting?: Promise<void>;
  #stderrTail = '';
  #log?: WriteStream;
  #closedByUs = false;

  constructor(readonly config: McpServerConfig, private readonly opts: ConnectionOptions) {}

  get name(): string {
    return this.config.name;
  }

  get logFile(): string {
    return path.join(this.opts.logDir, `mcp-${this.name}.log`);
  }

  /** Connects unless connected; concurrent callers share one attempt. Never rejects: see `state`. */
  connect(): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    this.#connecting ??= this.#connect().finally(() => { this.#connecting = undefined; });
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    this.state = 'connecting';
    this.#closedByUs = false;
    let transport: Transport | undefined;
    try {
      const [{ Client }, sdkTypes] = await Promise.all([
        import('@modelcontextprotocol/sdk/client/index.js'),
        import('@modelcontextprotocol/sdk/types.js'),
      ]);
      transport = await this.#transport();
      const client = new Client({ name: 'tandem', version: this.opts.version }, { capabilities: {} });
      client.onerror = (err) => this.#logLine(`error: ${err.message}`);
      await client.connect(transport, { timeout: this.opts.connectTimeoutMs });
      this.#client = client;
      const caps = client.getServerCapabilities() ?? {};
      this.instructions = client.getInstructions();
      [this.tools, this.prompts] = await Promise.all([
        caps.tools ? listAll((cursor) => client.listTools({ cursor }, { timeout: this.opts.connectTimeoutMs }), (r) => r.tools) : [],
        caps.prompts ? listAll((cursor) => client.listPrompts({ cursor }, { timeout: this.opts.connectTimeoutMs }), (r) => r.prompts) : [],
      ]);
      client.setNotificationHandler(sdkTypes.ToolListChangedNotificationSchema, async () => {
        this.tools = await listAll((cursor) => client.listTools({ cursor }), (r) => r.tools).catch(() => this.tools);
        this.onListsChanged?.();
      });
      client.setNotificationHandler(sdkTypes.PromptListChangedNotificationSchema, async () => {
        this.prompts = await listAll((cursor) => client.listPrompts({ cursor }), (r) => r.prompts).catch(() => this.prompts);
        this.onListsChanged?.();
      });
      // Set last: a close during start-up is reported by the catch below.
      client.onclose = () => {
        if (this.#client !== client) return;
        this.#client = undefined;
        if (this.#closedByUs) return;
        this.state = 'closed';
        this.lastError = `the server stopped (its connection closed)${this.#stderrNote()}`;
        this.#logLine(this.lastError);
      };
      this.state = 'connected';
      this.lastError = undefined;
      this.onListsChanged?.();
    } catch (err) {
      this.state = 'failed';
      this.lastError = this.#describeStartError(err);
      this.#logLine(`failed to start: ${this.lastError}`);
      this.#client = undefined;
      await transport?.close().catch(() => {});
    }
  }

  async #transport(): Promise<Transport> {
    const c = this.config;
    switch (c.type) {
      case 'stdio': {
        const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
        const env = Object.fromEntries(Object.entries({ ...this.opts.env, ...c.env }).filter((e): e is [string, string] => e[1] !== undefined));
        const t = new StdioClientTransport({
          command: c.command, args: c.args, env, cwd: c.cwd ? path.resolve(this.opts.cwd, c.cwd) : this.opts.cwd, stderr: 'pipe',
        });
        t.stderr?.on('data', (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          this.#stderrTail = (this.#stderrTail + text).slice(-STDERR_TAIL);
          this.#logStream().write(text);
        });
        return t;
      }
      case 'http': {
        const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
        return new StreamableHTTPClientTransport(new URL(c.url), { requestInit: { headers: c.headers } });
      }
      case 'sse': {
        const { SSEClientTransport } = await import('@modelcontextprotocol/sdk/client/sse.js');
        const headers = c.headers;
        return new SSEClientTransport(new URL(c.url), {
          requestInit: { headers },
          eventSourceInit: { fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) },
        });
      }
      case 'sdk': {
        const t = this.opts.sdkTransport?.(c.name);
        if (!t) throw new Error('an SDK server is reachable only when tandem runs under the Claude Agent SDK (--input-format stream-json)');
        return t;
      }
    }
  }

  /** Calls a tool; failures to reach the server become McpCallError, the server's own errors stay results. */
  async callTool(tool: string, args: Record<string, unknown>, opts: CallOptions): Promise<CallToolResult> {
    const client = await this.#ready(`call ${tool}`);
    try {
      return await client.callTool({ name: tool, arguments: args }, undefined, {
        signal: opts.signal, timeout: opts.timeoutMs, resetTimeoutOnProgress: true, maxTotalTimeout: opts.timeoutMs * 6,
        onprogress: opts.onProgress ? (p) => opts.onProgress!(progressLine(p)) : undefined,
      }) as CallToolResult;
    } catch (err) {
      throw this.#callError(err, `${tool}`, opts);
    }
  }

  async getPrompt(prompt: string, args: Record<string, string>, signal?: AbortSignal): Promise<GetPromptResult> {
    const client = await this.#ready(`get the prompt ${prompt}`);
    try {
      return await client.getPrompt({ name: prompt, arguments: args }, { signal, timeout: this.opts.connectTimeoutMs });
    } catch (err) {
      throw this.#callError(err, `the prompt ${prompt}`, { signal, timeoutMs: this.opts.connectTimeoutMs });
    }
  }

  async listResources(signal?: AbortSignal): Promise<Resource[]> {
    const client = await this.#ready('list its resources');
    if (!client.getServerCapabilities()?.resources) return [];
    return listAll((cursor) => client.listResources({ cursor }, { signal, timeout: this.opts.connectTimeoutMs }), (r) => r.resources);
  }

  async readResource(uri: string, signal?: AbortSignal): Promise<ReadResourceResult> {
    const client = await this.#ready(`read ${uri}`);
    try {
      return await client.readResource({ uri }, { signal, timeout: this.opts.connectTimeoutMs });
    } catch (err) {
      throw this.#callError(err, `the resource ${uri}`, { signal, timeoutMs: this.opts.connectTimeoutMs });
    }
  }

  /** The client, connecting first when the server is not running (a failed or stopped server restarts here). */
  async #ready(what: string): Promise<Client> {
    if (this.state !== 'connected' || !this.#client) {
      const before = this.state;
      await this.connect();
      if (this.state !== 'connected' || !this.#client) {
        const tried = before === 'connecting' ? 'it did not start' : 'tandem tried to restart it for this call, and that failed';
        throw new McpCallError(`MCP server "${this.name}" is not running, so tandem could not ${what}: ${tried}: ${this.lastError ?? 'unknown error'}. Its log: ${this.logFile}`);
      }
    }
    return this.#client;
  }

  #callError(err: unknown, what: string, opts: { signal?: AbortSignal; timeoutMs: number }): McpCallError {
    const code = (err as { code?: unknown }).code;
    const message = err instanceof Error ? err.message : String(err);
    if (opts.signal?.aborted) return new McpCallError(`Interrupted: the call to ${what} on MCP server "${this.name}" was cancelled.`);
    if (code === -32001) {
      return new McpCallError(`MCP server "${this.name}" did not answer ${what} within ${Math.round(opts.timeoutMs / 1000)} s (MCP_TOOL_TIMEOUT), so the call was cancelled.`);
    }
    // An HTTP server that went away: the next call connects again (the transport itself never closes).
    const codes = errorCodes(err);
    if ((this.config.type === 'http' || this.config.type === 'sse') && (codes.has('ECONNREFUSED') || codes.has('ECONNRESET') || message === 'fetch failed')) {
      this.state = 'closed';
      this.lastError = `the server stopped answering at ${this.config.url} (${codes.has('ECONNREFUSED') ? 'connection refused' : message})`;
      const client = this.#client;
      this.#client = undefined;
      this.#closedByUs = true;
      void client?.close().catch(() => {});
      return new McpCallError(`MCP server "${this.name}" could not be reached for ${what}: ${this.lastError}. It will be connected again on the next call.`);
    }
    if (code === -32000 || this.state !== 'connected') {
      return new McpCallError(`MCP server "${this.name}" stopped during the call to ${what} (${message})${this.#stderrNote()}. It will be restarted on the next call.`);
    }
    return new McpCallError(`MCP server "${this.name}" refused ${what}: ${message}`);
  }

  #describeStartError(err: unknown): string {
    const code = (err as { code?: unknown }).code;
    const message = err instanceof Error ? err.message : String(err);
    if (code === -32001) return `it did not answer initialize within ${Math.round(this.opts.connectTimeoutMs / 1000)} s (MCP_TIMEOUT)${this.#stderrNote()}`;
    if (code === 'ENOENT' && this.config.type === 'stdio') return `the command "${this.config.command}" was not found`;
    if (this.config.type === 'http' || this.config.type === 'sse') {
      const codes = errorCodes(err);
      if (codes.has('ECONNREFUSED')) return `nothing listens at ${this.config.url} (connection refused)`;
      if (codes.has('ENOTFOUND')) return `the host of ${this.config.url} is not found`;
      if (codes.has('ETIMEDOUT') || codes.has('UND_ERR_CONNECT_TIMEOUT')) return `${this.config.url} did not answer (timed out)`;
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof Error) return `${message}: ${cause.message} (${this.config.url})`;
    }
    return `${message}${this.#stderrNote()}`;
  }

  #stderrNote(): string {
    const tail = this.#stderrTail.trim().split('\n').slice(-3).join(' | ');
    return tail ? `; its last stderr: ${tail.slice(-400)}` : '';
  }

  #logStream(): WriteStream {
    // A log that cannot be written (its folder gone) is not worth a crash.
    this.#log ??= createWriteStream(this.logFile, { flags: 'a', mode: 0o600 }).on('error', () => {});
    return this.#log;
  }

  #logLine(line: string): void {
    this.#logStream().write(`[tandem ${new Date().toISOString()}] ${line}\n`);
  }

  async close(): Promise<void> {
    this.#closedByUs = true;
    const client = this.#client;
    this.#client = undefined;
    this.state = 'closed';
    await client?.close().catch(() => {});
    this.#log?.end();
    this.#log = undefined;
  }
}

async function listAll<R extends { nextCursor?: string }, T>(page: (cursor: string | undefined) => Promise<R>, pick: (r: R) => T[]): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const result = await page(cursor);
    all.push(...pick(result));
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return all;
}

/** Error codes anywhere in an error's causes (fetch wraps the socket's error, sometimes in an AggregateError). */
function errorCodes(err: unknown, depth = 0): Set<string> {
  const out = new Set<string>();
  if (!err || typeof err !== 'object' || depth > 5) return out;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof e.code === 'string') out.add(e.code);
  for (const c of [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) for (const x of errorCodes(c, depth + 1)) out.add(x);
  return out;
}

function progressLine(p: { progress: number; total?: number; message?: string }): string {
  const amount = p.total ? `${p.progress}/${p.total}` : String(p.progress);
  return p.message ? `${p.message} (${amount})` : `progress ${amount}`;
}
