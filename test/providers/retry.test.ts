import { describe, expect, it } from 'vitest';
import { abortableSleep, backoffDelayMs, serverDelayMs } from '../../src/providers/retry.js';

const policy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 };

describe('backoffDelayMs', () => {
  it('doubles the ceiling per retry up to the cap, with full jitter below it', () => {
    expect([1, 2, 3, 4, 7, 8].map((retry) => backoffDelayMs(retry, policy, () => 1))).toEqual([500, 1000, 2000, 4000, 30_000, 30_000]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(1000);
  });
});

describe('serverDelayMs', () => {
  const headers = (init: Record<string, string>) => new Headers(init);

  it('reads retry-after-ms first, then retry-after in seconds or as a date', () => {
    expect(serverDelayMs(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(serverDelayMs(headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(serverDelayMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now)).toBe(7000);
  });

  it('ignores absent or unreadable headers and caps absurd delays', () => {
    expect(serverDelayMs(undefined)).toBeUndefined();
    expect(serverDelayMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(serverDelayMs(headers({ 'retry-after': '-5' }))).toBe(0);
    expect(serverDelayMs(headers({ 'retry-after': '86400' }))).toBe(300_000);
  });
});

describe('abortableSleep', () => {
  it('resolves as soon as the signal fires', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort();
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('resolves at once for an aborted signal', async () => {
    await abortableSleep(60_000, AbortSignal.abort());
  });
});
