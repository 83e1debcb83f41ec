// The one retry loop every provider streams through: backoff and retry-after, a stream cut or gone silent
// mid-way, and permanent failures at once. A provider supplies how to open one attempt, how to assemble its
// events, and how to read its errors; this file knows no SDK.
import { emptyUsage, type Model, type ModelRequest, type ModelResponse, type ModelStreamEvent, type StopReason, type Usage } from '../core/types.js';
import { cleanMessage, IncompleteStreamError, type ModelFailure } from './errors.js';
import { abortableSleep, backoffDelayMs, type RetryPolicy } from './retry.js';

/** Folds one attempt's raw events into a response; built fresh per attempt, so a retry never appends to a broken one. */
export interface StreamAssembler<E> {
  /** The response is whole: reading stops here, even if the server keeps the connection open. */
  readonly complete: boolean;
  /**
   * The answer is whole but trailing metadata (a usage chunk) may still come: the end of the stream, or a short
   * quiet (RetryLoopOptions.finishGraceMs), completes it.
   */
  readonly finished?: boolean;
  /** What marks the end of a whole response, for "ended before …": "message_stop", "[DONE]". */
  readonly endMarker?: string;
  apply(event: E): ModelStreamEvent[];
  /** The response so far, with `stopReason` when given (aborted). */
  finish(stopReason?: StopReason): ModelResponse;
}

/** One API kind's part of a request: open an attempt, assemble it, classify what went wrong. */
export interface AttemptDriver<E> {
  /** Sends the request and resolves with its event stream; rejects with whatever the SDK throws. */
  open(request: ModelRequest, signal: AbortSignal): Promise<AsyncIterable<E>>;
  assembler(): StreamAssembler<E>;
  classify(error: unknown): ModelFailure;
}

export interface RetryLoopOptions {
  /** Total attempts per request, including the first. Default 8. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Backoff sleep; must resolve early when `signal` fires. Injected by tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A stream silent for this long is cut and retried. Default 120 s (TANDEM_STREAM_TIMEOUT). */
  idleTimeoutMs?: number;
  /** After the answer is whole, how long to wait for trailing metadata before taking it as it is. Default 2 s. */
  finishGraceMs?: number;
  /** Redacted from every message. */
  secrets: (string | null | undefined)[];
  /** For the message of a failure this loop did not expect: "the OpenAI provider". */
  providerName: string;
  now?: () => number;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/** A Model that streams each request through `driver`, retrying whole attempts; it never throws. */
export function createRetryingModel<E>(id: string, driver: AttemptDriver<E>, options: RetryLoopOptions): Model {
  const policy: RetryPolicy = {
    maxAttempts: Math.max(1, options.maxAttempts ?? 8),
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
  };
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const finishGraceMs = Math.min(options.finishGraceMs ?? 2_000, idleTimeoutMs);
  const secrets = options.secrets;

  async function* attempts(request: ModelRequest): AsyncGenerator<ModelStreamEvent> {
    const { signal } = request;
    /** When each windowed failure reason was first seen, by kind. */
    const firstSeen = new Map<string, number>();
    for (let attempt = 1; ; attempt++) {
      const assembler = driver.assembler();
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
        idle = setTimeout(() => { stalled = true; attemptControl.abort(); }, assembler.finished ? finishGraceMs : idleTimeoutMs);
      };
      try {
        resetIdle();
        const stream = await driver.open(request, attemptControl.signal);
        for await (const event of stream) {
          resetIdle();
          yield* assembler.apply(event);
          if (assembler.complete) break;
        }
        if (!assembler.complete && !assembler.finished) failure = new IncompleteStreamError(incompleteText(assembler));
      } catch (error) {
        failure = error;
      } finally {
        clearTimeout(idle);
        signal?.removeEventListener('abort', forwardAbort);
        // Whatever is still open (a connection kept alive after the answer) is closed now.
        attemptControl.abort();
      }
      if (assembler.complete || (assembler.finished && !signal?.aborted)) return yield done(assembler.finish());
      if (stalled && !signal?.aborted) {
        failure = new IncompleteStreamError(`the response stream was silent for ${Math.round(idleTimeoutMs / 1000)}s`);
      }
      if (failure === undefined) return yield done(assembler.finish());
      if (signal?.aborted) return yield done(assembler.finish('aborted'));

      const cause = driver.classify(failure);
      const usage = assembler.finish().usage;
      if (cause.retryWindowMs !== undefined) {
        const first = firstSeen.get(cause.kind) ?? now();
        firstSeen.set(cause.kind, first);
        if (now() - first >= cause.retryWindowMs) {
          return yield done(errorResponse(cause.kind, cleanMessage(cause.windowMessage ?? cause.message, secrets), usage));
        }
      }
      if (!cause.retryable || attempt >= policy.maxAttempts) {
        const tries = cause.retryable ? ` (gave up after ${attempt} attempts)` : '';
        const message = cause.windowMessage ?? cause.message;
        return yield done(errorResponse(cause.kind, cleanMessage(message + tries, secrets), usage));
      }
      // Within a retry window, short waits that never run past the window's end.
      const delayMs = cause.retryWindowMs !== undefined
        ? Math.max(0, Math.min(250 * attempt, cause.retryWindowMs - (now() - firstSeen.get(cause.kind)!)))
        : cause.retryAfterMs ?? backoffDelayMs(attempt, policy);
      yield { type: 'retry', attempt: attempt + 1, delayMs, reason: cleanMessage(cause.reason, secrets) };
      await sleep(delayMs, signal);
      if (signal?.aborted) return yield done(assembler.finish('aborted'));
    }
  }

  return {
    id,
    async *stream(request) {
      try {
        yield* attempts(request);
      } catch (error) {
        const message = cleanMessage(`unexpected failure in ${options.providerName}: ${String(error)}`, secrets);
        yield done(errorResponse('unknown', message, emptyUsage()));
      }
    },
  };
}

function incompleteText(assembler: StreamAssembler<unknown>): string {
  return `the response stream ended before ${assembler.endMarker ?? 'message_stop'}`;
}

function done(response: ModelResponse): ModelStreamEvent {
  return { type: 'done', response };
}

/** A failed request keeps no content: what a broken attempt streamed is not a reply. */
function errorResponse(kind: ModelResponse['errorKind'], message: string, usage: Usage): ModelResponse {
  return { content: [], stopReason: 'error', usage, errorKind: kind, errorMessage: message };
}
