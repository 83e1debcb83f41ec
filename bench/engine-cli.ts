// Benchmark of the task engine through the built binary (print mode against the scripted model server):
// one response that starts 20 test shards (`sleep 1` each) and then waits for all of them (wall time of the
// whole `tandem -p` run), and one task printing 1 GiB while tandem waits for it (peak RSS of the whole CLI,
// measured from outside with /usr/bin/time). Run: node --import tsx bench/engine-cli.ts [--quick]
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reply, startModelServer } from '../test/support/model-server.js';
import { TANDEM_BIN, tempDir, testEnv } from '../test/support/cli.js';

const quick = process.argv.includes('--quick');
const SHARDS = 20;
const RUNS = quick ? 1 : 3;
const MIB = 1024 ** 2;

interface Row { bench: string; figure: string; target: string; ok: boolean }
const rows: Row[] = [];

interface Run { code: number | null; stdout: string; stderr: string; wallMs: number; peakKb?: number }

async function runPrint(script: (server: Awaited<ReturnType<typeof startModelServer>>) => void, files: Record<string, string> = {}): Promise<Run> {
  const server = await startModelServer();
  script(server);
  const workspace = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(workspace, name), text);
  // TANDEM_SUPERVISOR=0 npm run bench compares with tasks spawned from tandem itself.
  const env = testEnv(server.url, { TANDEM_SUPERVISOR: process.env.TANDEM_SUPERVISOR });
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const args = [TANDEM_BIN, '--allow', 'Bash(sleep:*)', '--allow', 'Bash(yes:*)', '--allow', 'Bash(head:*)', '--allow', 'Bash(sh:*)', '-p', 'run the shards'];
  const [cmd, argv] = timeBin ? [timeBin, ['-f', 'PEAK_RSS_KB=%M', process.execPath, ...args]] : [process.execPath, args];
  const started = performance.now();
  const child = spawn(cmd, argv, {
    cwd: workspace, env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  await server.close();
  rmSync(workspace, { recursive: true, force: true });
  if (env.TANDEM_HOME) rmSync(env.TANDEM_HOME, { recursive: true, force: true });
  const peak = /PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1];
  return { code, stdout, stderr, wallMs, peakKb: peak ? Number(peak) : undefined };
}

/** 20 `background_run` calls in one response, then one wait for all: the whole CLI run, start-up included. */
async function shards(): Promise<void> {
  const walls: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const run = await runPrint((server) => {
      const starts = reply();
      for (let i = 1; i <= SHARDS; i++) starts.tool('background_run', { command: `sleep 1; echo shard ${i} ok` });
      server.enqueue(starts);
      server.enqueue(reply().tool('wait_background', { mode: 'all', timeout_s: 60 }));
      server.enqueue(reply().text('All shards passed.'));
    });
    if (run.code !== 0 || !run.stdout.includes('All shards passed.')) throw new Error(`shards run failed (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
    walls.push(run.wallMs);
  }
  const wall = [...walls].sort((a, b) => a - b)[Math.floor(walls.length / 2)]! / 1000;
  rows.push({
    bench: `${SHARDS} x sleep 1 started in one response, then waited for`,
    figure: `${wall.toFixed(2)} s wall, whole tandem -p run (median of ${RUNS})`,
    target: '<= 1.8 s',
    ok: wall <= 1.8,
  });
}

/** One task printing 1 GiB while tandem waits: the whole CLI's peak RSS, from /usr/bin/time. */
async function bigOutput(): Promise<void> {
  const bytes = quick ? 1024 ** 3 / 8 : 1024 ** 3;
  // The pipeline sits in a script: a pipeline typed as the command would load the permission checker's shell
  // parser (~14 MiB), which is not what this measures.
  const run = await runPrint((server) => {
    server.enqueue(reply().tool('background_run', { command: 'sh print-a-lot.sh' }));
    server.enqueue(reply().tool('wait_background', { mode: 'all', timeout_s: 600 }));
    server.enqueue(reply().text('Done.'));
  }, { 'print-a-lot.sh': `yes 'The quick brown fox jumps over the lazy dog; 0123456789' | head -c ${bytes}\n` });
  if (run.code !== 0 || !run.stdout.includes('Done.')) throw new Error(`1 GiB run failed (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  const mib = run.peakKb !== undefined ? run.peakKb / 1024 : NaN;
  rows.push({
    bench: `${bytes / MIB} MiB output from one task, tandem -p`,
    figure: Number.isNaN(mib) ? 'no /usr/bin/time here' : `peak RSS ${mib.toFixed(0)} MiB (/usr/bin/time, whole CLI), ${(run.wallMs / 1000).toFixed(1)} s`,
    target: '<= 80 MiB',
    ok: mib <= 80,
  });
}

await shards();
await bigOutput();
const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => [r.bench, r.figure, r.target][i].length)));
console.log(`task engine through the CLI, load average ${os.loadavg()[0].toFixed(1)}${quick ? ' (quick)' : ''}`);
for (const r of rows) console.log(`${r.ok ? 'ok  ' : 'MISS'}  ${r.bench.padEnd(widths[0])}  ${r.figure.padEnd(widths[1])}  ${r.target}`);
process.exit(rows.every((r) => r.ok) ? 0 : 1);
