// A scripted Anthropic Messages API over real HTTP on 127.0.0.1: tests enqueue replies, faults and hang-ups in order.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { type Fault, type RecordedRequest, type ReplySpec, type Scripted } from './model-script.js';
import { errorBody, formatSse, messageId, replyEvents, replyMessage, requestId, type MessagesRequestBody } from './model-wire.js';
import { checkBody, checkHeaders, type Rejection } from './model-validate.js';

export { fault, hangup, reply, Reply } from './model-script.js';
export type { Fault, Hangup, RecordedRequest, ReplySpec, Scripted, ScriptedUsage } from './model-script.js';

export interface ModelServerOptions {
  /** Reject requests the real API would reject (missing auth or version header, dangling tool_use, ...). Default true. */
  validate?: boolean;
}

/** A running scripted server. Each POST /v1/messages consumes the next scripted response, in order. */
export interface ModelServer {
  /** 'http://127.0.0.1:PORT', usable as ANTHROPIC_BASE_URL. */
  readonly url: string;
  /** Every request received, in arrival order, including rejected ones. */
  readonly requests: readonly RecordedRequest[];
  /** Scripted responses not yet consumed. */
  readonly pending: number;
  enqueue(...scripted: Scripted[]): void;
  /** Resolves once `count` requests have arrived; rejects after `timeoutMs` (default 10s) with what did arrive. */
  waitForRequests(count: number, timeoutMs?: number): Promise<readonly RecordedRequest[]>;
  /** Stops the server, cutting any open (hanging or slow) responses. */
  close(): Promise<void>;
}

export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const validate = options.validate ?? true;
  const queue: Scripted[] = [];
  const requests: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  const closing = new AbortController();

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'api_error', `scripted model server failed: ${String(error)}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers }, body: parseBody(rawBody), rawBody,
    };
    requests.push(recorded);
    for (const wake of waiters) wake();

    const pathname = new URL(recorded.path, 'http://localhost').pathname;
    if (recorded.method !== 'POST' || pathname !== '/v1/messages') return sendError(res, 404, 'not_found_error', 'Not Found');
    const rejection: Rejection | undefined = validate ? checkHeaders(req.headers) ?? checkBody(recorded.body) : undefined;
    if (rejection) return sendError(res, rejection.status, rejection.type, rejection.message);

    const next = queue.shift();
    if (next === undefined) {
      const message = `scripted model server: no scripted reply left for request #${requests.length}`;
      return sendError(res, 400, 'invalid_request_error', message);
    }
    const response = typeof next === 'function' ? next(recorded) : next;
    if (response.kind === 'hangup') return void req.socket.destroy();
    if (response.kind === 'fault') return sendFault(res, response, recorded.body.model);
    const spec = response.spec();
    if (recorded.body.stream === true) return streamReply(res, spec, recorded.body.model);
    return answerReply(res, spec, recorded.body.model);
  }

  async function streamReply(res: ServerResponse, spec: ReplySpec, model: string): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': requestId(),
    });
    const stop = AbortSignal.any([closing.signal, closedSignal(res)]);
    const events = replyEvents(spec, model, messageId());
    if (spec.cutAfter === 0) {
      res.flushHeaders();
      return void res.destroy();
    }
    for (const [i, event] of events.entries()) {
      if (i > 0 && spec.chunkDelayMs > 0 && !(await pause(spec.chunkDelayMs, stop))) return;
      if (res.destroyed) return;
      await flushed(res, formatSse(event));
      if (spec.cutAfter !== undefined && i + 1 >= spec.cutAfter) return void res.destroy();
      if (spec.endAfter !== undefined && i + 1 >= spec.endAfter) return void res.end();
    }
    if (!spec.hang && !spec.keepOpen) res.end();
  }

  function answerReply(res: ServerResponse, spec: ReplySpec, model: string): void {
    if (spec.cutAfter !== undefined || spec.endAfter !== undefined) return void res.destroy();
    if (spec.hang) return;
    if (spec.streamError) {
      const status = spec.streamError.type === 'overloaded_error' ? 529 : 500;
      return sendError(res, status, spec.streamError.type, spec.streamError.message);
    }
    sendJson(res, 200, replyMessage(spec, model, messageId()), requestId());
  }

  function sendFault(res: ServerResponse, f: Fault, model: string): void {
    const headers: Record<string, string> = {};
    if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
    if (f.retryAfterMs !== undefined) headers['retry-after-ms'] = String(f.retryAfterMs);
    sendError(res, f.status, f.type, f.message ?? defaultMessage(f.status, model), headers);
  }

  function waitForRequests(count: number, timeoutMs = 10_000): Promise<readonly RecordedRequest[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (requests.length < count) return;
        done();
        resolve(requests);
      };
      const timer = setTimeout(() => {
        done();
        const got = requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'none';
        reject(new Error(`waited ${timeoutMs}ms for ${count} requests, got ${requests.length}: ${got}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get pending() { return queue.length; },
    enqueue: (...scripted) => void queue.push(...scripted),
    waitForRequests,
    close: () => new Promise<void>((resolve) => {
      closing.abort();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function sendError(
  res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {},
): void {
  const id = requestId();
  sendJson(res, status, errorBody(type, message, id), id, headers);
}

function sendJson(
  res: ServerResponse, status: number, body: unknown, id: string, headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': id, ...headers });
  res.end(JSON.stringify(body));
}

function defaultMessage(status: number, model: string): string {
  switch (status) {
    case 401: return 'invalid x-api-key';
    case 403: return 'Your API key does not have permission to use the specified resource.';
    case 404: return `model: ${model}`;
    case 413: return 'Request exceeds the maximum allowed number of bytes.';
    case 429: return 'Number of request tokens has exceeded your per-minute rate limit';
    case 529: return 'Overloaded';
    default: return status >= 500 ? 'Internal server error' : 'Invalid request';
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function parseBody(raw: string): MessagesRequestBody {
  try {
    return JSON.parse(raw) as MessagesRequestBody;
  } catch {
    return {} as MessagesRequestBody;
  }
}

/** Writes and resolves once the chunk reached the socket (or the socket is gone), so a cut follows real output. */
function flushed(res: ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve) => res.write(chunk, () => resolve()));
}

function closedSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
}

/** Waits `ms`; false when `stop` fired first. */
async function pause(ms: number, stop: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal: stop });
    return true;
  } catch {
    return false;
  }
}

/** A copy of a recorded request part without prompt-cache markers, for comparing conversations. */
export function withoutCacheControl<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === 'cache_control' ? undefined : v))) as T;
}

/** The system prompt of a recorded request as one string, whether sent as a string or as text blocks. */
export function systemText(body: { system?: unknown }): string {
  const s = body.system;
  if (typeof s === 'string') return s;
  return Array.isArray(s) ? s.map((b: { text?: string }) => b.text ?? '').join('') : '';
}

/**
 * The tool results a recorded request ends with, by tool_use id, each as text and whether it is an error. A
 * harness-made result (a permission decision) opens with the session's note `[tandem harness KEY] `: it is taken
 * off `text` and kept as the non-enumerable `harnessNote`, so tests compare what tandem said.
 */
export function toolResultsOf(request: RecordedRequest): Record<string, { text: string; isError: boolean }> {
  const blocks = (request.body.messages.at(-1)?.content ?? []) as unknown as
    { type: string; tool_use_id: string; content: unknown; is_error?: boolean }[];
  const out: Record<string, { text: string; isError: boolean }> = {};
  for (const block of blocks) {
    if (block.type !== 'tool_result') continue;
    const raw = typeof block.content === 'string' ? block.content : JSON.stringify(block.content);
    const note = /^\[tandem harness [0-9a-f]{12}\] /.exec(raw)?.[0];
    const entry = { text: note ? raw.slice(note.length) : raw, isError: block.is_error === true };
    if (note) Object.defineProperty(entry, 'harnessNote', { value: note.trim(), enumerable: false });
    out[block.tool_use_id] = entry;
  }
  return out;
}
