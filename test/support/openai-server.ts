// A scripted OpenAI API over real HTTP on 127.0.0.1: POST /v1/chat/completions and /v1/responses consume the
// next scripted reply (the same builders as the Anthropic server), strict about the conversation as the API is;
// flavours behave like Ollama's and llama.cpp's servers (their quirks, /api/tags, /api/show, /v1/models).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Fault, RecordedRequest, ReplySpec, Scripted } from './model-script.js';
import { chatChunks, formatEvent, responsesEvents, type Flavor, type SseEvent } from './openai-wire.js';
import { checkChatBody, checkResponsesBody } from './openai-validate.js';

export { fault, hangup, reply } from './model-script.js';

export interface OpenAIServerOptions {
  flavor?: Flavor;
  /** Reject requests the real API would (a `tool` message answering no call, a call left unanswered, ...). Default true. */
  validate?: boolean;
  /** What /v1/models (and Ollama's /api/tags, /api/show) list. */
  models?: { id: string; contextLength?: number }[];
}

export interface OpenAIServer {
  /** 'http://127.0.0.1:PORT/v1', usable as --base-url. */
  readonly url: string;
  /** 'http://127.0.0.1:PORT'. */
  readonly origin: string;
  readonly requests: readonly RecordedRequest[];
  /** Only the model calls (chat completions and responses), in order. */
  readonly calls: readonly RecordedRequest[];
  readonly pending: number;
  enqueue(...scripted: Scripted[]): void;
  waitForRequests(count: number, timeoutMs?: number): Promise<readonly RecordedRequest[]>;
  close(): Promise<void>;
}

export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const flavor = options.flavor ?? 'openai';
  const validate = options.validate ?? true;
  const models = options.models ?? [{ id: 'gpt-5.1', contextLength: 400_000 }];
  const queue: Scripted[] = [];
  const requests: RecordedRequest[] = [];
  const calls: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  const closing = new AbortController();

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'server_error', `scripted OpenAI server failed: ${String(error)}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    let body: Record<string, unknown> = {};
    try { body = JSON.parse(rawBody) as Record<string, unknown>; } catch { /* recorded as {} */ }
    const recorded = { method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers }, body, rawBody } as unknown as RecordedRequest;
    requests.push(recorded);
    const pathname = new URL(recorded.path, 'http://localhost').pathname;
    const kind = req.method === 'POST' && pathname === '/v1/chat/completions' ? 'chat' : req.method === 'POST' && pathname === '/v1/responses' ? 'responses' : undefined;
    if (kind) calls.push(recorded);
    for (const wake of waiters) wake();

    if (!kind) return listing(req.method ?? 'GET', pathname, body, res);
    if (validate && flavor === 'openai' && !/^Bearer \S+/.test(String(req.headers.authorization ?? ''))) {
      return sendError(res, 401, 'invalid_request_error', 'You didn\'t provide an API key.', 'missing_api_key');
    }
    if (kind === 'responses' && flavor !== 'openai') return sendError(res, 404, 'not_found', '404 page not found');
    const problem = validate ? (kind === 'chat' ? checkChatBody(body) : checkResponsesBody(body)) : undefined;
    if (problem) return sendError(res, problem.status ?? 400, 'invalid_request_error', problem.message, problem.code);

    const next = queue.shift();
    if (next === undefined) return sendError(res, 400, 'invalid_request_error', `scripted OpenAI server: no scripted reply left for call #${calls.length}`);
    const response = typeof next === 'function' ? next(recorded) : next;
    if (response.kind === 'hangup') return void req.socket.destroy();
    if (response.kind === 'fault') return sendFault(res, response);
    const spec = response.spec();
    const model = String(body.model ?? '');
    const events: SseEvent[] = kind === 'chat'
      ? chatChunks(spec, { flavor, model, includeUsage: (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true }).map((data) => ({ data }))
      : responsesEvents(spec, model);
    return stream(res, spec, events);
  }

  async function stream(res: ServerResponse, spec: ReplySpec, events: SseEvent[]): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': `req_${Date.now()}` });
    const stop = AbortSignal.any([closing.signal, closedSignal(res)]);
    if (spec.cutAfter === 0) {
      res.flushHeaders();
      return void res.destroy();
    }
    for (const [i, event] of events.entries()) {
      if (i > 0 && spec.chunkDelayMs > 0 && !(await pause(spec.chunkDelayMs, stop))) return;
      if (res.destroyed) return;
      await new Promise<void>((resolve) => res.write(formatEvent(event), () => resolve()));
      if (spec.cutAfter !== undefined && i + 1 >= spec.cutAfter) return void res.destroy();
      if (spec.endAfter !== undefined && i + 1 >= spec.endAfter) return void res.end();
    }
    if (!spec.hang && !spec.keepOpen) res.end();
  }

  /** /v1/models for every flavour; Ollama's /api/tags and /api/show; llama.cpp's /props. */
  function listing(method: string, pathname: string, body: Record<string, unknown>, res: ServerResponse): void {
    if (method === 'GET' && pathname === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: models.map((m) => ({
          id: m.id, object: 'model', created: 1_700_000_000, owned_by: flavor === 'ollama' ? 'library' : flavor === 'llamacpp' ? 'llamacpp' : 'openai',
          ...(flavor === 'llamacpp' && m.contextLength && { meta: { n_ctx_train: m.contextLength } }),
        })),
      });
    }
    if (flavor === 'ollama' && method === 'GET' && pathname === '/api/tags') {
      return sendJson(res, 200, { models: models.map((m) => ({ name: m.id.includes(':') ? m.id : `${m.id}:latest`, model: m.id, size: 1_000_000, details: { family: 'qwen3' } })) });
    }
    if (flavor === 'ollama' && method === 'POST' && pathname === '/api/show') {
      const name = String(body.model ?? body.name ?? '').replace(/:latest$/, '');
      const found = models.find((m) => m.id.replace(/:latest$/, '') === name);
      if (!found) return sendJson(res, 404, { error: `model '${name}' not found` });
      return sendJson(res, 200, { details: { family: 'qwen3' }, model_info: { 'general.architecture': 'qwen3', 'qwen3.context_length': found.contextLength ?? 4096 } });
    }
    sendError(res, 404, 'invalid_request_error', `Invalid URL (${method} ${pathname})`);
  }

  function sendFault(res: ServerResponse, f: Fault): void {
    const headers: Record<string, string> = {};
    if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
    if (f.retryAfterMs !== undefined) headers['retry-after-ms'] = String(f.retryAfterMs);
    const type = f.status === 429 ? 'requests' : f.status >= 500 ? 'server_error' : 'invalid_request_error';
    const code = f.status === 401 ? 'invalid_api_key' : f.status === 404 ? 'model_not_found' : f.status === 429 ? 'rate_limit_exceeded' : null;
    sendError(res, f.status, type, f.message ?? defaultMessage(f.status), code, headers);
  }

  function waitForRequests(count: number, timeoutMs = 10_000): Promise<readonly RecordedRequest[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (calls.length < count) return;
        done();
        resolve(calls);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`waited ${timeoutMs}ms for ${count} model calls, got ${calls.length}`));
      }, timeoutMs);
      const done = () => { clearTimeout(timer); waiters.delete(check); };
      waiters.add(check);
      check();
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    origin: `http://127.0.0.1:${port}`,
    requests,
    calls,
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

/** A server that is not the API: Python's http.server answering POST with a 501 page, or a 200 of plain text. */
export async function startNotApiServer(kind: 'html-501' | 'garbage-200' | 'html-200'): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    if (kind === 'html-501') {
      res.writeHead(501, { 'content-type': 'text/html;charset=utf-8' });
      res.end('<!DOCTYPE HTML>\n<html lang="en">\n<head><title>Error response</title></head>\n<body><h1>Error response</h1><p>Error code: 501</p><p>Message: Unsupported method (\'POST\').</p></body>\n</html>\n');
    } else if (kind === 'html-200') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Welcome to nginx!</body></html>');
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('hello, this is not an API\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

function sendError(res: ServerResponse, status: number, type: string, message: string, code: string | null = null, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { message, type, param: null, code } }, headers);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function defaultMessage(status: number): string {
  switch (status) {
    case 401: return 'Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.';
    case 403: return 'Project does not have access to model';
    case 404: return 'The model does not exist or you do not have access to it.';
    case 429: return 'Rate limit reached for requests';
    default: return status >= 500 ? 'The server had an error while processing your request. Sorry about that!' : 'Invalid request';
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function closedSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
}

async function pause(ms: number, stop: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal: stop });
    return true;
  } catch {
    return false;
  }
}
