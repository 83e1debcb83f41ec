// Runs the whole vitest suite and ends with the plain summary line CI reads: "N passed, N failed". Before it:
// one line naming the Debian packages whose checks were skipped because they are missing here, and one
// naming temp folders the run left behind (tests must clean up after themselves).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The run gets a temp directory of its own, so what it leaves there is its own (other programs share /tmp).
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tandem-test-run-'));
const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-test-report-'));
const report = path.join(dir, 'report.json');
const reporter = new URL('./quiet-json-reporter.mjs', import.meta.url).pathname;
const run = spawnSync('npx', ['vitest', 'run', '--reporter=default', `--reporter=${reporter}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TANDEM_TEST_REPORT: report, TMPDIR: tmp },
});
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + (json.numTodoTests ?? 0);
  // A suite that fails to load has no tests to count, but it is a failure all the same.
  failed += json.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
} catch {
  failed = Math.max(failed, 1);
}
rmSync(dir, { recursive: true, force: true });
const packages = ['bwrap:bubblewrap', 'rg:ripgrep', 'tmux:tmux']
  .map((p) => p.split(':'))
  .filter(([cmd]) => spawnSync(cmd, [cmd === 'tmux' ? '-V' : '--version'], { stdio: 'ignore' }).status !== 0);
if (packages.length && !process.env.CI) {
  console.log(`\nskipped because not installed: ${packages.map(([cmd, pkg]) => `${cmd} (${pkg})`).join(', ')}; `
    + `to run those checks: sudo apt-get install ${packages.map(([, pkg]) => pkg).join(' ')}`);
}
const left = readdirSync(tmp);
rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
if (left.length) {
  const byPrefix = new Map();
  for (const n of left) {
    const prefix = n.replace(/[-_][A-Za-z0-9]{6}$/, '');
    byPrefix.set(prefix, (byPrefix.get(prefix) ?? 0) + 1);
  }
  console.log(`\nthe tests left ${left.length} entries in their temp directory (now removed): ${[...byPrefix].map(([p, n]) => `${p}* (${n})`).join(', ')}`);
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
