// Benchmark of output watchers and model-given patterns: `(a+)+$` on a 45-character line (RE2 vs JavaScript's
// backtracking RegExp, which doubles per character), a filter over 16 MiB of such lines (bounded by the scan
// budget), and latency from a task printing a line to wait_background's `until` returning and to a notify_on
// notice being queued (which waits BATCH_MS by design, to batch).
// Run: node --import tsx bench/watchers.ts [--quick]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileLinePattern } from '../src/core/line-pattern.js';
import { BATCH_MS } from '../src/tasks/notify-watch.js';
import { TaskManager } from '../src/tasks/task-manager.js';
import { waitUntil } from '../src/tasks/wait-until.js';

const quick = process.argv.includes('--quick');
const EVIL = `${'a'.repeat(45)}!`;

function manager(root: string): TaskManager {
  return new TaskManager({ cwd: root, logDir: path.join(root, 'logs'), registryDir: path.join(root, 'registry') });
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

const root = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-watchers-'));
const m = manager(root);
try {
  // 1. The pattern alone.
  const re2 = await compileLinePattern('(a+)+$');
  let t = performance.now();
  for (let i = 0; i < 1000; i++) re2.test(EVIL);
  const re2Us = ((performance.now() - t) / 1000) * 1000;
  const native = /(a+)+$/;
  const nativeMs: number[] = [];
  native.test(`${'a'.repeat(16)}!`); // warm up (compile, JIT)
  for (const n of [20, 22, 24]) {
    t = performance.now();
    native.test(`${'a'.repeat(n)}!`);
    nativeMs.push(performance.now() - t);
  }
  // Backtracking doubles the work per character: 45 characters are 2^21 times 24.
  const native45 = nativeMs[2]! * 2 ** 21;
  console.log(`(a+)+$ on a 45-char line: RE2 ${re2Us.toFixed(1)} µs per line; JavaScript RegExp ${ms(nativeMs[0]!)} / ${ms(nativeMs[1]!)} / ${ms(nativeMs[2]!)} at 20/22/24 chars, so ~${(native45 / 3.6e6).toFixed(0)} h at 45`);

  // 2. A filter over 16 MiB of such lines: bounded by the scan budget, whatever the pattern.
  const big = m.start({ command: `yes '${EVIL}' | head -c ${quick ? 4 : 16}000000` });
  await m.wait([big.id], 'all', 120_000);
  t = performance.now();
  const out = m.readAll(big.id, { filter: re2 });
  const filterMs = performance.now() - t;
  console.log(`filter (a+)+$ over ${quick ? 4 : 16} MB of those lines: ${ms(filterMs)}${out.includes('filter stopped') ? ' (stopped at its 1 s budget)' : ''}`);

  // 3. until: line printed -> wait returns.
  const until = await compileLinePattern('^ready');
  const untilLat: number[] = [];
  const runs = quick ? 10 : 40;
  for (let i = 0; i < runs; i++) {
    const task = m.start({ command: 'read x; echo "ready $(date +%s%N)"; read y' });
    const waiting = waitUntil(m, [task.id], 'any', { pattern: until }, 30_000);
    m.write(task.id, '\n');
    const r = await waiting;
    const now = Date.now() * 1e6;
    const printed = Number(/ready (\d+)/.exec(r.matches[0]!.lines[0]!)![1]);
    untilLat.push((now - printed) / 1e6);
    m.write(task.id, '\n');
    await m.wait([task.id], 'all', 10_000);
    m.drainNotices();
  }
  console.log(`until: line printed -> wait returns: p50 ${ms(pct(untilLat, 0.5))}, p99 ${ms(pct(untilLat, 0.99))} (${runs} runs)`);

  // 4. notify_on: line printed -> notice queued (includes the ${BATCH_MS} ms batch window).
  const noticeLat: number[] = [];
  for (let i = 0; i < runs; i++) {
    const task = m.start({ command: 'read x; echo "ERROR $(date +%s%N)"; read y', notifyOn: await compileLinePattern('ERROR') });
    const queued = new Promise<number>((resolve) => m.once('matched', (n) => {
      resolve(Number(/ERROR (\d+)/.exec(n.matches!.lines[0]!.line)![1]));
    }));
    m.write(task.id, '\n');
    const printed = await queued;
    noticeLat.push((Date.now() * 1e6 - printed) / 1e6);
    m.write(task.id, '\n');
    await m.wait([task.id], 'all', 10_000);
    m.drainNotices();
  }
  console.log(`notify_on: line printed -> notice queued: p50 ${ms(pct(noticeLat, 0.5))}, p99 ${ms(pct(noticeLat, 0.99))} (batch window ${BATCH_MS} ms)`);
} finally {
  await m.shutdown();
  rmSync(root, { recursive: true, force: true });
}
