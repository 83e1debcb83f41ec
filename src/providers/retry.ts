// Retry timing for model requests: exponential backoff with full jitter, server-requested delays, abortable sleep.

export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Longest server-requested delay we honour; a longer `retry-after` is capped so the user is not stuck for hours. */
const MAX_SERVER_DELAY_MS = 5 * 60_000;

/** Delay before retry number `retry` (1 for the first retry): uniform in [0, min(max, base * 2^(retry-1))]. */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(random() * ceiling);
}

/** The delay a response asks for via `retry-after-ms` or `retry-after` (seconds or an HTTP date), if any. */
export function serverDelayMs(headers: Headers | null | undefined, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms)) return clamp(ms);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return clamp(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : clamp(date - now);
}

function clamp(ms: number): number {
  return Math.round(Math.min(Math.max(ms, 0), MAX_SERVER_DELAY_MS));
}

/** Waits `ms`, resolving early (never rejecting) when `signal` fires. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
