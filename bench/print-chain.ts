// Benchmark: a 20-step bash chain in print mode against the scripted model servers, through the built binary,
// for each API kind: Anthropic Messages, OpenAI Responses (gpt-5.1) and chat completions (gpt-4.1).
// Prints wall time, time to first request, peak RSS and the size of the first request.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { reply, startModelServer } from '../test/support/model-server.js';
import { startOpenAIServer } from '../test/support/openai-server.js';
import { TANDEM_BIN, tempDir, testEnv } from '../test/support/cli.js';

const STEPS = 20;
const RUNS = 5;

interface Run { wallMs: number; firstRequestMs: number; selfRssKb: number; treeRssKb?: number; firstRequestBytes: number }

const PROBE = new URL('./support/rss-probe.mjs', import.meta.url).pathname;

type Variant = 'anthropic' | 'openai-responses' | 'openai-chat';

/** A scripted server for the variant, the flags and environment that point tandem at it. */
async function serverFor(variant: Variant) {
  if (variant === 'anthropic') {
    const server = await startModelServer();
    return { server, requests: server.requests, flags: [] as string[], env: testEnv(server.url) };
  }
  const server = await startOpenAIServer();
  const model = variant === 'openai-responses' ? 'gpt-5.1' : 'gpt-4.1';
  const env = { ...testEnv('http://127.0.0.1:9'), ANTHROPIC_API_KEY: undefined, OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: server.url };
  return { server, requests: server.calls, flags: ['--provider', 'openai', '--model', model], env };
}

async function once(variant: Variant): Promise<Run> {
  const { server, requests, flags, env } = await serverFor(variant);
  for (let i = 1; i <= STEPS; i++) server.enqueue(reply().text(`Step ${i}.`).tool('bash', { command: `echo step ${i}` }));
  server.enqueue(reply().text('All 20 steps done.'));
  const workspace = tempDir();
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const args = ['--import', PROBE, TANDEM_BIN, ...flags, '-p', 'run the chain'];
  const [cmd, argv] = timeBin
    ? [timeBin, ['-f', 'PEAK_RSS_KB=%M', process.execPath, ...args]]
    : [process.execPath, args];
  const started = performance.now();
  let firstRequestMs = 0;
  void server.waitForRequests(1).then(() => { firstRequestMs = performance.now() - started; });
  const child = spawn(cmd, argv, { cwd: workspace, env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv });
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
    firstRequestBytes: Buffer.byteLength(requests[0]!.rawBody),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
const walls: Partial<Record<Variant, number>> = {};
const VARIANTS = ['anthropic', 'openai-responses', 'openai-chat'] as const;
const runsOf: Record<Variant, Run[]> = { anthropic: [], 'openai-responses': [], 'openai-chat': [] };
// Interleaved, so a busy machine weighs on every variant alike.
for (let i = 0; i < RUNS; i++) for (const variant of VARIANTS) runsOf[variant].push(await once(variant));
for (const variant of VARIANTS) {
  const runs = runsOf[variant];
  const wall = walls[variant] = median(runs.map((r) => r.wallMs));
  const vsAnthropic = variant === 'anthropic' ? '(target < 0.4 s)' : `(${(((wall / walls.anthropic!) - 1) * 100).toFixed(1)}% vs the Anthropic chain; target at most +10%)`;
  console.log(`${variant}: print-mode ${STEPS}-step bash chain (median of ${RUNS} runs)`);
  console.log(`  wall time            ${fmt(wall)}   ${vsAnthropic}`);
  console.log(`  time to 1st request  ${fmt(median(runs.map((r) => r.firstRequestMs)))}`);
  console.log(`  peak RSS             ${(median(runs.map((r) => r.selfRssKb)) / 1024).toFixed(1)} MiB   (target < 80 MiB; tandem's own process)`);
  const tree = runs.map((r) => r.treeRssKb).filter((x): x is number => x !== undefined);
  if (tree.length) {
    console.log(`  peak RSS, /usr/bin/time  ${(median(tree) / 1024).toFixed(1)} MiB   (counts forked children before exec)`);
  }
  console.log(`  1st request size     ${runs[0]!.firstRequestBytes} bytes   (target < 8 KB)`);
}
