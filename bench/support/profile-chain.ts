// Runs the 20-step Anthropic chain once with extra node flags (e.g. --cpu-prof) and prints when each request
// arrived, so a slow step or slow start-up shows up. Usage: node --import tsx bench/support/profile-chain.ts [node flags...]
import { spawn } from 'node:child_process';
import { reply, startModelServer } from '../../test/support/model-server.js';
import { TANDEM_BIN, tempDir, testEnv } from '../../test/support/cli.js';

const server = await startModelServer();
for (let i = 1; i <= 20; i++) server.enqueue(reply().text(`Step ${i}.`).tool('bash', { command: `echo step ${i}` }));
server.enqueue(reply().text('All 20 steps done.'));
const env = testEnv(server.url);
const started = performance.now();
const arrivals: number[] = [];
for (let n = 1; n <= 21; n++) void server.waitForRequests(n).then(() => { arrivals[n - 1] = performance.now() - started; });
const child = spawn(process.execPath, [...process.argv.slice(2), TANDEM_BIN, '-p', 'run the chain'], {
  cwd: tempDir(), stdio: ['ignore', 'pipe', 'ignore'],
  env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
});
let out = '';
child.stdout.on('data', (d) => { out += d; });
await new Promise((r) => child.on('close', r));
const wall = performance.now() - started;
await server.close();
const gaps = arrivals.slice(1).map((t, i) => (t - arrivals[i]!).toFixed(1));
console.log(`wall ${wall.toFixed(0)} ms, first request ${arrivals[0]!.toFixed(0)} ms, last request -> exit ${(wall - arrivals[20]!).toFixed(0)} ms`);
console.log(`gaps ms: ${gaps.join(' ')}`);
if (!out.includes('All 20 steps done.')) console.log('CHAIN FAILED', out);
