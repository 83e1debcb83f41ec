// Benchmark: a 20-step bash chain in print mode against the scripted model server, through the built binary.
// Prints wall time, time to first request, peak RSS and the size of the first request.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { reply, startModelServer } from '../test/support/model-server.js';
import { TANDEM_BIN, tempDir, testEnv } from '../test/support/cli.js';

const STEPS = 20;
const RUNS = 5;

interface Run { wallMs: number; firstRequestMs: number; selfRssKb: number; treeRssKb?: number; firstRequestBytes: number }

const PROBE = new URL('./support/rss-probe.mjs', import.meta.url).pathname;

async function once(): Promise<Run> {
  const server = await startModelServer();
  for (let i = 1; i <= STEPS; i++) server.enqueue(reply().text(`Step ${i}.`).tool('bash', { command: `echo step ${i}` }));
  server.enqueue(reply().text('All 20 steps done.'));
  const workspace = tempDir();
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const args = ['--import', PROBE, TANDEM_BIN, '-p', 'run the chain'];
  const [cmd, argv] = timeBin
    ? [timeBin, ['-f', 'PEAK_RSS_KB=%M', process.execPath, ...args]]
    : [process.execPath, args];
  const started = performance.now();
  let firstRequestMs = 0;
  void server.waitForRequests(1).then(() => { firstRequestMs = performance.now() - started; });
  const child = spawn(cmd, argv, { cwd: workspace, env: testEnv(server.url) as NodeJS.ProcessEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  await server.close();
  if (code !== 0 || !stdout.includes('All 20 steps done.')) {
    throw new Error(`chain failed (exit ${code}):\n${stdout}\n${stderr}`);
  }
  const tree = /PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1];
  return {
    wallMs,
    firstRequestMs,
    selfRssKb: Number(/BENCH_SELF_MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN),
    treeRssKb: tree ? Number(tree) : undefined,
    firstRequestBytes: Buffer.byteLength(server.requests[0]!.rawBody),
  };
}

const runs: Run[] = [];
for (let i = 0; i < RUNS; i++) runs.push(await once());
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
console.log(`print-mode ${STEPS}-step bash chain (median of ${RUNS} runs)`);
console.log(`  wall time            ${fmt(median(runs.map((r) => r.wallMs)))}   (target < 0.4 s)`);
console.log(`  time to 1st request  ${fmt(median(runs.map((r) => r.firstRequestMs)))}`);
console.log(`  peak RSS             ${(median(runs.map((r) => r.selfRssKb)) / 1024).toFixed(1)} MiB   (target < 80 MiB; tandem's own process)`);
const tree = runs.map((r) => r.treeRssKb).filter((x): x is number => x !== undefined);
if (tree.length) {
  console.log(`  peak RSS, /usr/bin/time  ${(median(tree) / 1024).toFixed(1)} MiB   (counts forked children before exec)`);
}
console.log(`  1st request size     ${runs[0]!.firstRequestBytes} bytes   (target < 8 KB)`);
