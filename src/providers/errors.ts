// Turns whatever an Anthropic request threw into an error kind, a retry decision and one line saying what to do.
import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
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
}

const MAX_SAID = 300;

export interface FailureContext {
  model: string;
  baseURL: string;
  /** Redacted from whatever the server said before it is shortened, so no prefix of a secret survives. */
  secrets: (string | null | undefined)[];
}

/** The SSE stream ended without `message_stop`. */
export class IncompleteStreamError extends Error {
  constructor(message = 'the response stream ended before message_stop') {
    super(message);
  }
}

export function classifyFailure(error: unknown, ctx: FailureContext): ModelFailure {
  if (error instanceof APIConnectionError) return connectionFailure(error, ctx);
  if (error instanceof APIError) {
    const failure = error.status === undefined ? streamEventFailure(error, ctx) : statusFailure(error, error.status, ctx);
    const should = error.headers?.get('x-should-retry');
    if (should === 'true' || should === 'false') failure.retryable = should === 'true';
    return { ...failure, retryAfterMs: serverDelayMs(error.headers) };
  }
  const text = describe(error);
  if (/Could not resolve authentication method/.test(text)) {
    const message = 'no API credentials; set ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN';
    return { kind: 'auth', retryable: false, reason: message, message };
  }
  const reason = error instanceof IncompleteStreamError ? text : `the response stream broke off: ${text}`;
  return { kind: 'stream_broken', retryable: true, reason, message: `${reason}; try again` };
}

/** Flattens text to one line and replaces every occurrence of each secret with [redacted]. */
export function cleanMessage(text: string, secrets: (string | null | undefined)[]): string {
  const redacted = secrets.reduce<string>((out, secret) => (secret ? out.split(secret).join('[redacted]') : out), text);
  return redacted.replace(/\s+/g, ' ').trim();
}

function connectionFailure(error: APIConnectionError, ctx: FailureContext): ModelFailure {
  const code = errorCode(error);
  const cause = error instanceof APIConnectionTimeoutError ? 'timed out'
    : code && /^E[A-Z]+$/.test(code) ? code : describe(innermost(error));
  const reason = `cannot reach ${ctx.baseURL}: ${cause}`;
  return { kind: 'connection', retryable: true, reason, message: `${reason}; check ANTHROPIC_BASE_URL or the network` };
}

/** An `error` event inside a 200 SSE stream: the SDK throws it with no status. */
function streamEventFailure(error: APIError, ctx: FailureContext): ModelFailure {
  const said = apiSaid(error, ctx);
  const reason = `${error.type ?? 'error'} event in the response stream: ${said}`;
  switch (error.type) {
    case 'invalid_request_error': return { kind: 'invalid_request', retryable: false, reason, message: reason };
    case 'overloaded_error': return { kind: 'overloaded', retryable: true, reason, message: `${reason}; try again in a few minutes` };
    case 'rate_limit_error': return { kind: 'rate_limit', retryable: true, reason, message: `${reason}; wait a minute and try again` };
    case 'api_error': case 'timeout_error': return { kind: 'server', retryable: true, reason, message: `${reason}; try again shortly` };
    default: return { kind: 'unknown', retryable: false, reason, message: reason };
  }
}

function statusFailure(error: APIError, status: number, ctx: FailureContext): ModelFailure {
  const said = apiSaid(error, ctx);
  const fail = (kind: ModelErrorKind, retryable: boolean, reason: string, advice?: string): ModelFailure =>
    ({ kind, retryable, reason, message: advice ? `${reason}; ${advice}` : reason });
  if (status === 400 && /prompt is too long/i.test(said)) {
    return fail('prompt_too_long', false, `the prompt is too long for model '${ctx.model}' (400): ${said}`, 'compact the conversation or start a new one');
  }
  switch (status) {
    case 400: return fail('invalid_request', false, `the API rejected the request (400): ${said}`);
    case 401: return fail('auth', false, 'the API key was rejected (401)', 'check ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN');
    case 402: return fail('permission', false, `billing problem (402): ${said}`, 'check the account\'s plan and credits');
    case 403: return fail('permission', false, `permission denied (403): ${said}`, `check that your key may use model '${ctx.model}'`);
    case 404: return fail('not_found', false, `model '${ctx.model}' not found (404): ${said}`,
      'set --model or ANTHROPIC_MODEL to a model your key can use, or check ANTHROPIC_BASE_URL');
    case 413: return fail('prompt_too_long', false, `the request is too large (413): ${said}`, 'compact the conversation or start a new one');
    case 429: return fail('rate_limit', true, `rate limited (429): ${said}`, 'wait a minute and try again');
    case 529: return fail('overloaded', true, 'the API is overloaded (529)', 'try again in a few minutes');
    case 408: case 409: return fail('server', true, `the API answered ${status}: ${said}`, 'try again shortly');
  }
  if (status >= 500) return fail('server', true, `the API failed with ${status}: ${said}`, 'try again shortly');
  return fail('unknown', false, `the API answered ${status}: ${said}`);
}

/** What the API said, shortened (a proxy may answer with a whole HTML page) and without a trailing period. */
function apiSaid(error: APIError, ctx: FailureContext): string {
  const said = cleanMessage(error.apiMessage ?? error.message, ctx.secrets).replace(/\.$/, '');
  return said.length > MAX_SAID ? `${said.slice(0, MAX_SAID)}…` : said;
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
  }
  return undefined;
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  return code && !text.includes(code) ? `${text} (${code})` : text;
}
