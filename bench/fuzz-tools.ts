// The full fuzz battery: many seeds of malformed tool calls through a real session and the scripted model
// server. `npm run fuzz` (TANDEM_FUZZ_SEEDS=N, default 20; TANDEM_FUZZ_SEED=S to start elsewhere). Prints
// calls, error results and time per seed; exits 1 naming every failing seed.
import { startModelServer } from '../test/support/model-server.js';
import { runFuzz } from '../test/fuzz/tool-input-fuzz.js';

const seeds = Number(process.env.TANDEM_FUZZ_SEEDS ?? 20);
const first = Number(process.env.TANDEM_FUZZ_SEED ?? 1);
let calls = 0;
const failed: string[] = [];
const started = Date.now();
for (let seed = first; seed < first + seeds; seed++) {
  const server = await startModelServer();
  const t0 = Date.now();
  try {
    const outcome = await runFuzz(server, seed, 20, 40);
    calls += outcome.calls;
    failed.push(...outcome.failures);
    console.log(`seed ${seed}: ${outcome.calls} calls in ${outcome.responses} responses, ${outcome.errors} error results, ${Date.now() - t0} ms${outcome.failures.length ? `, ${outcome.failures.length} FAILED` : ''}`);
  } finally {
    await server.close();
  }
}
console.log(`${calls} malformed calls over ${seeds} seeds in ${((Date.now() - started) / 1000).toFixed(1)} s; ${failed.length} failures`);
for (const f of failed) console.log(`  ${f}`);
process.exit(failed.length ? 1 : 0);
