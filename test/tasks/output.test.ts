import { readFileSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { TailRing } from '../../src/tasks/tail-ring.js';
import { makeManager } from './helpers.js';

const MB = 1024 * 1024;

/** A full garbage collection on demand, so what is measured is memory held, not garbage not yet collected. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('TailRing', () => {
  it('keeps exactly the latest bytes across wraps and growth', () => {
    const ring = new TailRing(100);
    let all = Buffer.alloc(0);
    for (let i = 0; i < 300; i++) {
      const chunk = Buffer.from(`<${i}>`.repeat(1 + (i % 7)));
      ring.push(chunk);
      all = Buffer.concat([all, chunk]);
      const expected = all.subarray(Math.max(0, all.length - 100));
      expect(ring.length).toBe(expected.length);
      expect(ring.slice(0, ring.length).equals(expected)).toBe(true);
    }
    ring.push(Buffer.alloc(500, 'z'));
    expect(ring.slice(0, ring.length).toString()).toBe('z'.repeat(100));
    expect(ring.slice(90, 200).toString()).toBe('z'.repeat(10));
  });
});

describe('output memory and disk', () => {
  it('a task printing 50 MB costs the harness little memory; the log has every byte', async () => {
    const m = makeManager();
    const size = 50 * MB;
    const gc = exposeGc();
    gc();
    const base = process.memoryUsage();
    const retained = (): number => {
      gc();
      const now = process.memoryUsage();
      return now.heapUsed - base.heapUsed + now.arrayBuffers - base.arrayBuffers;
    };
    let peakRetained = 0;
    let nextProbe = 5 * MB;
    m.on('output', () => {
      // Every 5 MB, what the harness still holds after a full collection: no growth with output size.
      const bytes = m.get(t.id)?.outputBytes ?? 0;
      if (bytes < nextProbe) return;
      nextProbe += 5 * MB;
      peakRetained = Math.max(peakRetained, retained());
    });
    const t = m.start({ command: `yes 'the quick brown fox jumps over the lazy dog 0123456789' | head -c ${size}` });
    const r = await m.wait([t.id], 'all', 60_000);
    expect(r.done[0]).toMatchObject({ status: 'exited', exitCode: 0, outputBytes: size });
    expect(statSync(t.logPath).size).toBe(size);
    // Bounded buffering (a 1 MiB write queue, a 64 KiB ring, batches in flight): far below the 50 MB printed.
    expect(peakRetained).toBeLessThan(16 * MB);
    expect(process.memoryUsage().rss - base.rss).toBeLessThan(64 * MB);
    const view = m.readAll(t.id, { maxChars: 5000 });
    expect(view.length).toBeLessThan(5500);
    expect(view).toContain('bytes elided');
    expect(view).toContain(t.logPath);
  });

  it('cuts the log at maxLogBytes, runs on, and still shows the latest output', async () => {
    const m = makeManager({ maxLogBytes: 10_000 });
    const t = m.start({ command: 'seq 1 30000; echo FINAL-LINE' });
    const r = await m.wait([t.id], 'all', 20_000);
    const total = r.done[0].outputBytes;
    expect(r.done[0]).toMatchObject({ status: 'exited', exitCode: 0 });
    expect(total).toBeGreaterThan(100_000);
    const log = readFileSync(t.logPath, 'utf8');
    const cut = '\n[tandem: log cut at 10000 bytes; later output is not kept on disk, the latest is shown in reports]\n';
    expect(log.length).toBe(10_000 + cut.length);
    expect(log.endsWith(cut)).toBe(true);
    const all = m.readAll(t.id, { maxChars: 4000 });
    expect(all.startsWith('1\n2\n3\n')).toBe(true);
    expect(all).toContain('29999\n30000\nFINAL-LINE');
    expect(all).toMatch(/bytes (elided|were not kept)/);
    // Read whole, the range says which bytes were lost between the cut and the in-memory tail.
    const whole = m.readAll(t.id, { maxChars: 1_000_000 });
    expect(whole).toContain(`[... ${total - 10_000 - 64 * 1024} bytes were not kept (past the log cap) ...]`);
    expect(whole.endsWith('30000\nFINAL-LINE')).toBe(true);
    // New output since the cursor, past the cut, comes from memory.
    expect(m.readNew(t.id, { tail: 2 })).toBe('30000\nFINAL-LINE');
    expect(m.drainNotices()[0].tail).toMatch(/30000\nFINAL-LINE$/);
  });

  it('reads new output of a running task while writes are still in flight', async () => {
    const m = makeManager();
    const t = m.start({ command: 'seq 1 100000; read x; echo after' });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      const onOutput = (): void => {
        const text = m.readNew(t.id, { maxChars: 10_000_000 });
        if (text) seen.push(text);
        if (seen.join('').endsWith('100000')) {
          m.off('output', onOutput);
          resolve();
        }
      };
      m.on('output', onOutput);
    });
    m.write(t.id, '\n');
    await m.wait([t.id], 'all', 20_000);
    seen.push(m.readNew(t.id, { maxChars: 10_000_000 }));
    // Each read is cleaned (trailing newline trimmed), so compare the bytes without line breaks: none may be
    // lost or shown twice.
    let expected = '';
    for (let i = 1; i <= 100_000; i++) expected += i;
    expect(seen.join('').replace(/\n/g, '')).toBe(`${expected}after`);
  });
});
