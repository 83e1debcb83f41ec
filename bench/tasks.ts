// Benchmark of the task engine (src/tasks): 1 GiB of output from one task (harness peak RSS, throughput),
// 500 one-second tasks at once (time until every notice is queued), notice latency (task exit -> wait()
// returns, p50/p99), and killing a tree of 100 processes (time, survivors), in both isolation modes.
// Run: node --import tsx bench/tasks.ts [--quick]. It bundles itself with esbuild and re-runs on plain node,
// as tandem ships (dist/), so tsx's own memory and its slower process forks do not skew the figures.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskManager } from '../src/tasks/task-manager.js';
import type { Isolation } from '../src/tasks/types.js';

if (!process.argv.includes('--bundled')) {
  const { build } = await import('esbuild');
  const here = fileURLToPath(import.meta.url);
  // Inside node_modules so the bundle resolves the same packages (node-pty) as the source does.
  const dir = path.resolve(path.dirname(here), '../node_modules/.cache/tandem-bench');
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `tasks-${process.pid}.mjs`);
  await build({
    entryPoints: [here], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    packages: 'external', logLevel: 'error',
  });
  const run = spawnSync(process.execPath, [out, '--bundled', ...process.argv.slice(2)], { stdio: 'inherit' });
  rmSync(out, { force: true });
  process.exit(run.status ?? 1);
}

const quick = process.argv.includes('--quick');
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

interface Row { bench: string; figure: string; target: string; ok: boolean }
const rows: Row[] = [];

function manager(root: string, isolation: Isolation = 'auto', maxConcurrent = 32): TaskManager {
  return new TaskManager({
    cwd: root, logDir: path.join(root, 'logs'), registryDir: path.join(root, 'registry'), isolation, maxConcurrent,
  });
}

async function withRoot<T>(fn: (root: string) => Promise<T>): Promise<T> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-'));
  try {
    return await fn(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** 1. One task printing 1 GiB: the harness streams it to disk and keeps only bounded buffers. */
async function bigOutput(): Promise<void> {
  const bytes = quick ? GIB / 8 : GIB;
  await withRoot(async (root) => {
    const m = manager(root);
    const baseRss = process.memoryUsage().rss;
    let peakRss = baseRss;
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 20);
    const started = performance.now();
    const t = m.start({ command: `yes 'The quick brown fox jumps over the lazy dog; 0123456789 abcdefghij' | head -c ${bytes}` });
    const r = await m.wait([t.id], 'all', 600_000);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const snap = r.done[0];
    const ok = snap.outputBytes === bytes && snap.exitCode === 0;
    const mib = peakRss / MIB;
    rows.push({
      bench: `${bytes / MIB} MiB output, one task`,
      figure: `peak RSS ${mib.toFixed(0)} MiB (${(baseRss / MIB).toFixed(0)} before), `
        + `${(bytes / MIB / seconds).toFixed(0)} MiB/s (${seconds.toFixed(2)}s)`,
      target: 'RSS < 100 MiB',
      ok: ok && mib < 100,
    });
    await m.shutdown();
  });
}

/** 2. 500 `sleep 1` tasks at once: all their notices should be queued within 1.2 s of the first start. */
async function manyTasks(): Promise<void> {
  const count = quick ? 100 : 500;
  await withRoot(async (root) => {
    const m = manager(root, 'auto', count + 10);
    void m.isolation; // probe before timing
    let queued = 0;
    const allQueued = new Promise<number>((resolve) => {
      m.on('notice', () => {
        if (++queued === count) resolve(performance.now());
      });
    });
    const started = performance.now();
    for (let i = 0; i < count; i++) m.start({ command: 'sleep 1' });
    const spawnMs = performance.now() - started;
    const doneAt = await allQueued;
    const total = (doneAt - started) / 1000;
    const exits = m.drainNotices().filter((n) => n.task.status === 'exited' && n.task.exitCode === 0).length;
    rows.push({
      bench: `${count} x sleep 1 at once`,
      figure: `all notices in ${total.toFixed(2)}s (starting took ${(spawnMs / 1000).toFixed(2)}s), ${exits}/${count} exit 0`,
      target: '<= 1.2 s (seed\'s Python engine: 1.64 s)',
      ok: total <= 1.2 && exits === count,
    });
    await m.shutdown();
  });
}

/** The floor for (2): the same number of plain `bash -c 'sleep 1'` children spawned by node, no tandem. */
async function manyPlainSpawns(): Promise<void> {
  const count = quick ? 100 : 500;
  let exited = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    for (let i = 0; i < count; i++) {
      const child = spawn('/bin/bash', ['-c', 'sleep 1'], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdout.resume();
      child.stderr.resume();
      child.once('exit', () => { if (++exited === count) resolve(); });
    }
  });
  rows.push({
    bench: `  baseline: ${count} plain spawns`,
    figure: `all exited in ${((performance.now() - started) / 1000).toFixed(2)}s (node child_process, no isolation)`,
    target: '(reference)',
    ok: true,
  });
}

/** 3. Latency from a task's exit to wait() returning, measured from the input that makes it exit. */
async function noticeLatency(): Promise<void> {
  const runs = quick ? 50 : 200;
  await withRoot(async (root) => {
    const m = manager(root);
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = m.start({ command: 'read x' });
      await m.waitForStartup(t.id, 30);
      const waiting = m.wait([t.id], 'any', 10_000);
      const t0 = performance.now();
      m.write(t.id, '\n');
      await waiting;
      samples.push(performance.now() - t0);
    }
    m.drainNotices();
    samples.sort((a, b) => a - b);
    const p50 = samples[Math.floor(runs * 0.5)];
    const p99 = samples[Math.min(runs - 1, Math.floor(runs * 0.99))];
    rows.push({
      bench: `notice latency (${runs} runs)`,
      figure: `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (input -> read -> exit -> wait returns)`,
      target: 'p99 <= 20 ms',
      ok: p99 <= 20,
    });
    await m.shutdown();
  });
}

/** 4. Killing a tree of 100 processes started every which way: time, and processes left (must be 0). */
async function killTree(isolation: Isolation): Promise<void> {
  await withRoot(async (root) => {
    const m = manager(root, isolation);
    const mark = `1000.${process.pid}${Date.now() % 100000}`;
    const command = [
      `for i in $(seq 25); do sleep ${mark} & done`,
      `for i in $(seq 25); do setsid sleep ${mark} & done`,
      `for i in $(seq 25); do ( ( sleep ${mark} & ) & ) ; done`,
      `for i in $(seq 24); do nohup sleep ${mark} >/dev/null 2>&1 & done`,
      `echo ready; sleep ${mark}`,
    ].join('\n');
    const t = m.start({ command });
    while (count(mark) < 100) await new Promise((r) => setTimeout(r, 10));
    const before = count(mark);
    const t0 = performance.now();
    const snap = await m.kill(t.id, 'model');
    const ms = performance.now() - t0;
    const left = count(mark, true);
    rows.push({
      bench: `kill tree of ${before} sleeps (${m.isolation.mode})`,
      figure: `${ms.toFixed(0)} ms, ${left} survivors, ${snap.status} (${snap.signal})`,
      target: '0 survivors',
      ok: left === 0,
    });
    await m.shutdown();
  });
}

/** Live `sleep <mark>` processes, or (any) every process whose command line holds the marker. */
function count(mark: string, any = false): number {
  let n = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (any ? cmdline.includes(mark) : cmdline === `sleep\0${mark}\0`) n++;
    } catch {
      // gone
    }
  }
  return n;
}

await bigOutput();
await manyTasks();
await manyPlainSpawns();
await noticeLatency();
await killTree('auto');
await killTree('process-group');

const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => [r.bench, r.figure, r.target][i].length)));
console.log(`task engine on ${os.cpus().length} CPUs, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} (figures are wall time: a loaded machine stretches them)${quick ? ' (quick)' : ''}`);
for (const r of rows) {
  console.log(`${r.ok ? 'ok  ' : 'MISS'}  ${r.bench.padEnd(widths[0])}  ${r.figure.padEnd(widths[1])}  ${r.target}`);
}
process.exit(rows.every((r) => r.ok) ? 0 : 1);
