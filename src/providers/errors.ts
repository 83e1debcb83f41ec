// Turns a failed attempt into an error kind, a retry decision and one line saying what is wrong and what to check.
// SDK-neutral: each provider reads its SDK's errors into a FailureInput (see describeSdkError), so this module
// loads no SDK and serves every API kind.
import type { ModelErrorKind } from '../core/types.js';
import { serverDelayMs } from './retry.js';

/** A classified failure of one attempt. */
export interface ModelFailure {
  kind: ModelErrorKind;
  retryable: boolean;
  /** Short cause, for retry events: "overloaded (529)". */
  reason: string;
  /** The cause and what to do about it, in one line, for the final error. */
  message: string;
  /** Delay the server asked for before retrying. */
  retryAfterMs?: number;
  /**
   * Retried only while the first failure of this kind happened less than this long ago: nothing listening on a
   * port is worth a few seconds (a local server starting up), not a minute of backoff.
   */
  retryWindowMs?: number;
  /** The final message once the retry window is spent (instead of "gave up after N attempts"). */
  windowMessage?: string;
}

const MAX_SAID = 300;
/** How long connection refused is retried: a local server that is just starting gets this long. */
export const CONNECTION_REFUSED_WINDOW_MS = 2_500;

/** What the provider is, for messages that say what to check. */
export interface FailureContext {
  model: string;
  baseURL: string;
  /** Redacted from whatever the server said before it is shortened, so no prefix of a secret survives. */
  secrets: (string | null | undefined)[];
  /** "Anthropic", "OpenAI" or "OpenAI-compatible": whose API endpoint the base URL should be. */
  apiName: string;
  /** Where the key comes from: "ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN". */
  keyHint: string;
  /** Where the base URL comes from: "ANTHROPIC_BASE_URL" or "--base-url". */
  baseUrlHint: string;
  /** Where the model comes from: "--model or ANTHROPIC_MODEL". */
  modelHint: string;
  /** Said after "nothing listens on HOST:PORT" for local servers: "is `ollama serve` running?". */
  listenHint?: string;
}

/** A failed attempt read out of whichever SDK threw it. */
export type FailureInput =
  /** The server answered with an error status. `said` is the API's message or the body text. */
  | { type: 'http'; status: number; headers?: Headers | null; said: string; errorType?: string; code?: string; html: boolean }
  /** An error event inside a 200 stream. */
  | { type: 'stream_event'; errorType?: string; code?: string; said: string }
  | { type: 'connection'; code?: string; timedOut: boolean; said: string }
  /** Whatever answered is not this API (an HTML page, plain text, events that are not JSON). */
  | { type: 'not_api'; said: string }
  /** The stream ended or went silent before the response was whole. */
  | { type: 'incomplete'; said: string }
  | { type: 'other'; said: string };

/** The stream ended before the response was whole (no message_stop, finish_reason or response.completed). */
export class IncompleteStreamError extends Error {
  constructor(message = 'the response stream ended before message_stop') {
    super(message);
  }
}

/** The server answered 200 with something that is not this API's event stream. */
export class NotApiError extends Error {}

/** A failure the API reported inside a 200 stream in its own event (Responses' `response.failed`, `error`). */
export class StreamEventError extends Error {
  constructor(message: string, readonly errorType?: string, readonly code?: string) {
    super(message);
  }
}

/** Phrases servers use for a prompt larger than the context window (Anthropic, OpenAI, vLLM, llama.cpp, Ollama). */
const CONTEXT_LENGTH = /prompt is too long|context.length|context_length_exceeded|maximum context|context (size|window)|exceeds? the (available )?context|too many tokens|reduce the length/i;

export function classifyFailure(input: FailureInput, ctx: FailureContext): ModelFailure {
  switch (input.type) {
    case 'http': {
      const failure = statusFailure(input, ctx);
      const should = input.headers?.get('x-should-retry');
      if (!input.html && (should === 'true' || should === 'false')) failure.retryable = should === 'true';
      return { ...failure, retryAfterMs: serverDelayMs(input.headers) };
    }
    case 'stream_event': return streamEventFailure(input, ctx);
    case 'connection': return connectionFailure(input, ctx);
    case 'not_api': {
      const reason = `${ctx.baseURL} ${clip(input.said, ctx)}: this is not ${article(ctx.apiName)} ${ctx.apiName} API endpoint`;
      return { kind: 'bad_endpoint', retryable: false, reason, message: `${reason}; check ${ctx.baseUrlHint}` };
    }
    case 'incomplete': return { kind: 'stream_broken', retryable: true, reason: input.said, message: `${input.said}; try again` };
    case 'other': {
      if (/Could not resolve authentication method|api key.*(missing|required)/i.test(input.said)) {
        const message = `no API credentials; set ${ctx.keyHint}`;
        return { kind: 'auth', retryable: false, reason: message, message };
      }
      const reason = `the response stream broke off: ${clip(input.said, ctx)}`;
      return { kind: 'stream_broken', retryable: true, reason, message: `${reason}; try again` };
    }
  }
}

/** Flattens text to one line and replaces every occurrence of each secret with [redacted]. */
export function cleanMessage(text: string, secrets: (string | null | undefined)[]): string {
  const redacted = secrets.reduce<string>((out, secret) => (secret ? out.split(secret).join('[redacted]') : out), text);
  return redacted.replace(/\s+/g, ' ').trim();
}

/** True for a body that is a web page rather than an API's JSON error. */
export function looksLikeHtml(text: string, contentType?: string | null): boolean {
  return /text\/html/i.test(contentType ?? '') || /^\s*(<!doctype html|<html|<head|<body|<\?xml)/i.test(text);
}

function connectionFailure(input: Extract<FailureInput, { type: 'connection' }>, ctx: FailureContext): ModelFailure {
  const cause = input.timedOut ? 'timed out' : input.code && /^E[A-Z]+$/.test(input.code) ? input.code : input.said;
  const reason = `cannot reach ${ctx.baseURL}: ${cause}`;
  const failure: ModelFailure = { kind: 'connection', retryable: true, reason, message: `${reason}; check ${ctx.baseUrlHint} or the network` };
  if (input.code === 'ECONNREFUSED' || input.code === 'ENOTFOUND' || input.code === 'EAI_AGAIN') {
    const where = hostPort(ctx.baseURL);
    const what = input.code === 'ECONNREFUSED' ? `nothing listens on ${where}` : `the host of ${ctx.baseURL} cannot be resolved (${input.code})`;
    failure.reason = what;
    failure.retryWindowMs = CONNECTION_REFUSED_WINDOW_MS;
    failure.windowMessage = `${what}${ctx.listenHint ? ` — ${ctx.listenHint}` : ''}; check ${ctx.baseUrlHint}`;
  }
  return failure;
}

/** An `error` event inside a 200 SSE stream. */
function streamEventFailure(input: Extract<FailureInput, { type: 'stream_event' }>, ctx: FailureContext): ModelFailure {
  const said = clip(input.said, ctx);
  const type = input.errorType ?? input.code ?? 'error';
  const reason = `${type} event in the response stream: ${said}`;
  if (CONTEXT_LENGTH.test(said) || input.code === 'context_length_exceeded') {
    return { kind: 'prompt_too_long', retryable: false, reason, message: `${reason}; compact the conversation or start a new one` };
  }
  if (/overload/i.test(type)) return { kind: 'overloaded', retryable: true, reason, message: `${reason}; try again in a few minutes` };
  if (/rate_limit/i.test(type)) return { kind: 'rate_limit', retryable: true, reason, message: `${reason}; wait a minute and try again` };
  if (/api_error|server_error|timeout|internal/i.test(type)) return { kind: 'server', retryable: true, reason, message: `${reason}; try again shortly` };
  if (/invalid_request/i.test(type)) return { kind: 'invalid_request', retryable: false, reason, message: reason };
  return { kind: 'unknown', retryable: false, reason, message: reason };
}

function statusFailure(input: Extract<FailureInput, { type: 'http' }>, ctx: FailureContext): ModelFailure {
  const { status } = input;
  const fail = (kind: ModelErrorKind, retryable: boolean, reason: string, advice?: string): ModelFailure =>
    ({ kind, retryable, reason, message: advice ? `${reason}; ${advice}` : reason });
  // A web page is a web server or a proxy, not the API: only a gateway's 502-504 may pass with time.
  if (input.html && !(status >= 502 && status <= 504)) {
    const reason = `${ctx.baseURL} answered ${status} with an HTML page: this is not ${article(ctx.apiName)} ${ctx.apiName} API endpoint`;
    return fail(status === 404 ? 'not_found' : 'bad_endpoint', false, reason, `check ${ctx.baseUrlHint}`);
  }
  const said = clip(input.said, ctx);
  if ((status === 400 || status === 413 || status === 422) && (CONTEXT_LENGTH.test(said) || input.code === 'context_length_exceeded')) {
    return fail('prompt_too_long', false, `the prompt is too long for model '${ctx.model}' (${status}): ${said}`, 'compact the conversation or start a new one');
  }
  switch (status) {
    case 400: case 422: return fail('invalid_request', false, `the API rejected the request (${status}): ${said}`);
    case 401: return fail('auth', false, 'the API key was rejected (401)', `check ${ctx.keyHint}`);
    case 402: return fail('permission', false, `billing problem (402): ${said}`, 'check the account\'s plan and credits');
    case 403: return fail('permission', false, `permission denied (403): ${said}`, `check that your key may use model '${ctx.model}'`);
    case 404: return fail('not_found', false, `model '${ctx.model}' not found (404): ${said}`,
      `set ${ctx.modelHint} to a model your key can use, or check ${ctx.baseUrlHint}`);
    case 405: case 501: return fail('bad_endpoint', false, `${ctx.baseURL} answered ${status}: ${said}: this is not ${article(ctx.apiName)} ${ctx.apiName} API endpoint`, `check ${ctx.baseUrlHint}`);
    case 413: return fail('prompt_too_long', false, `the request is too large (413): ${said}`, 'compact the conversation or start a new one');
    case 429: return fail('rate_limit', true, `rate limited (429): ${said}`, 'wait a minute and try again');
    case 529: return fail('overloaded', true, 'the API is overloaded (529)', 'try again in a few minutes');
    case 408: case 409: return fail('server', true, `the API answered ${status}: ${said}`, 'try again shortly');
  }
  if (status >= 500) return fail('server', true, `the API failed with ${status}: ${said}`, 'try again shortly');
  return fail('unknown', false, `the API answered ${status}: ${said}`);
}

/** What the server said, redacted, shortened (a proxy may answer with a whole page) and without a trailing period. */
function clip(text: string, ctx: FailureContext): string {
  const said = cleanMessage(text, ctx.secrets).replace(/\.$/, '');
  return said.length > MAX_SAID ? `${said.slice(0, MAX_SAID)}…` : said;
}

function article(word: string): string {
  return /^[aeiouAEIO]/.test(word) ? 'an' : 'a';
}

/** "127.0.0.1:8000" for "http://127.0.0.1:8000/v1". */
export function hostPort(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return baseURL;
  }
}

/** The shape both SDKs' errors share (they come from one generator): enough to classify without importing either. */
export interface SdkErrorClasses {
  APIError: abstract new (...args: never[]) => Error;
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  APIUserAbortError?: abstract new (...args: never[]) => Error;
}

/** Reads an SDK error (or anything thrown while streaming) into a FailureInput. */
export function describeSdkError(error: unknown, classes: SdkErrorClasses): FailureInput {
  if (error instanceof IncompleteStreamError) return { type: 'incomplete', said: error.message };
  if (error instanceof NotApiError) return { type: 'not_api', said: error.message };
  if (error instanceof StreamEventError) return { type: 'stream_event', errorType: error.errorType, code: error.code, said: error.message };
  if (error instanceof classes.APIConnectionError) {
    return { type: 'connection', code: errorCode(error), timedOut: error instanceof classes.APIConnectionTimeoutError, said: describe(innermost(error)) };
  }
  if (error instanceof classes.APIError) {
    const e = error as Error & { status?: number; headers?: Headers; error?: unknown; type?: string; code?: unknown };
    const body = e.error as { message?: unknown; error?: { message?: unknown; type?: unknown; code?: unknown }; type?: unknown; code?: unknown } | undefined;
    const nested = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : undefined;
    const message = typeof nested?.message === 'string' ? nested.message : typeof body?.message === 'string' ? body.message : undefined;
    // The SDKs prefix the status ("501 <html>..."); the raw text is what the server said.
    const said = message ?? e.message.replace(/^\d{3} /, '');
    const errorType = stringOr(nested?.type) ?? stringOr(e.type) ?? stringOr(body?.type);
    const code = stringOr(nested?.code) ?? stringOr(e.code) ?? stringOr(body?.code);
    if (e.status === undefined) return { type: 'stream_event', errorType, code, said };
    return { type: 'http', status: e.status, headers: e.headers, said, errorType, code, html: looksLikeHtml(said, e.headers?.get('content-type')) };
  }
  // Events that are not JSON: whatever streams there is not the API.
  if (error instanceof SyntaxError) return { type: 'not_api', said: `sent an event stream that is not JSON (${error.message})` };
  return { type: 'other', said: describe(error) };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : typeof value === 'number' ? String(value) : undefined;
}

function innermost(error: unknown): unknown {
  let e = error;
  for (let depth = 0; depth < 5 && e instanceof Error && e.cause !== undefined; depth++) e = e.cause;
  return e;
}

/** First `code` (ECONNREFUSED, UND_ERR_SOCKET, ...) along an error's cause chain. */
function errorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // undici wraps several attempts (IPv4 and IPv6) in an AggregateError.
    const inner = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(inner)) {
      const codes = inner.map(errorCode).filter(Boolean);
      if (codes.length) return codes[0];
    }
  }
  return undefined;
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  return code && !text.includes(code) ? `${text} (${code})` : text;
}
