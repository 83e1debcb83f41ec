// The Anthropic Messages API as a Model: streams one request, retrying whole requests itself, and never throws.
import Anthropic, { type ClientOptions } from '@anthropic-ai/sdk';
import { emptyUsage, type Model, type ModelRequest, type ModelResponse, type ModelStreamEvent, type Usage } from '../core/types.js';
import { withCacheBreakpoints } from './cache-control.js';
import { ResponseAssembler } from './anthropic-response.js';
import { classifyFailure, cleanMessage, IncompleteStreamError } from './errors.js';
import { abortableSleep, backoffDelayMs, type RetryPolicy } from './retry.js';

export interface AnthropicModelOptions {
  model: string;
  /** Sent as x-api-key. Wins over `authToken` when both are set, as in the SDK. Without either, the SDK's env defaults apply. */
  apiKey?: string;
  /** Sent as `Authorization: Bearer`. */
  authToken?: string;
  /** Defaults to ANTHROPIC_BASE_URL, then https://api.anthropic.com. */
  baseURL?: string;
  /** Total attempts per request, including the first. Default 8. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Backoff sleep; must resolve early when `signal` fires. Injected by tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A stream silent for this long is cut and retried. Default 120 s. */
  idleTimeoutMs?: number;
}

/** Creates a Model backed by the official SDK with its retries off; see `Model` for the stream contract. */
export function createAnthropicModel(options: AnthropicModelOptions): Model {
  const client = new Anthropic({ ...credentials(options), baseURL: options.baseURL, maxRetries: 0, logLevel: 'off' });
  const policy: RetryPolicy = {
    maxAttempts: Math.max(1, options.maxAttempts ?? 8),
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
  };
  const sleep = options.sleep ?? abortableSleep;
  const idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
  const secrets = [client.apiKey, client.authToken, options.apiKey, options.authToken];

  async function* attempts(request: ModelRequest): AsyncGenerator<ModelStreamEvent> {
    const { signal } = request;
    const ctx = { model: options.model, baseURL: client.baseURL, secrets };
    for (let attempt = 1; ; attempt++) {
      const assembler = new ResponseAssembler();
      let failure: unknown;
      // A stream can go silent without closing; an idle timer cuts it so the attempt is retried, not hung.
      const attemptControl = new AbortController();
      const forwardAbort = () => attemptControl.abort(signal?.reason);
      if (signal?.aborted) attemptControl.abort(signal.reason);
      else signal?.addEventListener('abort', forwardAbort, { once: true });
      let stalled = false;
      let idle: ReturnType<typeof setTimeout> | undefined;
      const resetIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(() => { stalled = true; attemptControl.abort(); }, idleTimeoutMs);
      };
      try {
        resetIdle();
        const parts = withCacheBreakpoints(request);
        const stream = await client.messages.create({
          model: options.model,
          max_tokens: request.maxTokens,
          ...(parts.system.length > 0 && { system: parts.system }),
          messages: parts.messages as Anthropic.MessageParam[],
          ...(parts.tools.length > 0 && { tools: parts.tools as Anthropic.Tool[] }),
          stream: true,
        }, { signal: attemptControl.signal });
        for await (const event of stream) {
          resetIdle();
          yield* assembler.apply(event);
        }
        if (!assembler.complete) failure = new IncompleteStreamError();
      } catch (error) {
        failure = error;
      } finally {
        clearTimeout(idle);
        signal?.removeEventListener('abort', forwardAbort);
      }
      if (stalled && !signal?.aborted) {
        failure = new IncompleteStreamError(`the response stream was silent for ${Math.round(idleTimeoutMs / 1000)}s`);
      }
      if (failure === undefined) return yield done(assembler.finish());
      if (signal?.aborted) return yield done(assembler.finish('aborted'));

      const cause = classifyFailure(failure, ctx);
      if (!cause.retryable || attempt >= policy.maxAttempts) {
        const tries = cause.retryable ? ` (gave up after ${attempt} attempts)` : '';
        return yield done(errorResponse(cause.kind, cleanMessage(cause.message + tries, secrets), assembler.finish().usage));
      }
      const delayMs = cause.retryAfterMs ?? backoffDelayMs(attempt, policy);
      yield { type: 'retry', attempt: attempt + 1, delayMs, reason: cleanMessage(cause.reason, secrets) };
      await sleep(delayMs, signal);
      if (signal?.aborted) return yield done(assembler.finish('aborted'));
    }
  }

  return {
    id: options.model,
    async *stream(request) {
      try {
        yield* attempts(request);
      } catch (error) {
        const message = cleanMessage(`unexpected failure in the Anthropic provider: ${String(error)}`, secrets);
        yield done(errorResponse('unknown', message, emptyUsage()));
      }
    },
  };
}

/**
 * SDK 1.x sends an API key as a bearer token; we send it as x-api-key, which the API and the gateways people put
 * behind ANTHROPIC_BASE_URL accept, and keep bearer for auth tokens.
 */
function credentials(options: AnthropicModelOptions): ClientOptions {
  if (options.apiKey) return { apiKey: options.apiKey, defaultHeaders: { 'x-api-key': options.apiKey, authorization: null } };
  if (options.authToken) return { authToken: options.authToken };
  return {};
}

function done(response: ModelResponse): ModelStreamEvent {
  return { type: 'done', response };
}

/** A failed request keeps no content: what a broken attempt streamed is not a reply. */
function errorResponse(kind: ModelResponse['errorKind'], message: string, usage: Usage): ModelResponse {
  return { content: [], stopReason: 'error', usage, errorKind: kind, errorMessage: message };
}
