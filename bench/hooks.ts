// Benchmark of settings-file hooks: what a PreToolUse hook adds to each tool call (a `true` hook, a hook that
// reads its JSON and answers with JSON, four in parallel), and what an event with no hook costs (nothing runs).
// Run: node --import tsx bench/hooks.ts [--quick]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readHookDefinitions } from '../src/extensions/hooks/config.js';
import { HookEngine } from '../src/extensions/hooks/engine.js';

const quick = process.argv.includes('--quick');
const N = quick ? 10 : 40;
const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-hooks-'));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

function engine(commands: string[]): HookEngine {
  const { hooks } = readHookDefinitions([{ file: 'bench', scope: 'user', hooks: { PreToolUse: commands.map((command) => ({ matcher: 'Bash', hooks: [{ type: 'command', command }] })) } }]);
  return new HookEngine({
    hooks, projectDir: dir, env: { PATH: process.env.PATH },
    context: () => ({ sessionId: 's', transcriptPath: '/t', permissionMode: 'default' }), log: () => {},
  });
}

async function measure(label: string, e: HookEngine): Promise<void> {
  const call = { id: 'toolu_1', name: 'bash', input: { command: 'npm test' } };
  await e.preToolUse(call); // warm up
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await e.preToolUse(call);
    times.push(performance.now() - t);
  }
  console.log(`${label.padEnd(52)} median ${pct(times, 0.5).toFixed(1)} ms, p90 ${pct(times, 0.9).toFixed(1)} ms (${N} calls)`);
}

try {
  await measure('no PreToolUse hook (the call goes straight on)', engine([]));
  await measure('one hook: true', engine(['true']));
  await measure('one hook: reads stdin, answers JSON allow', engine([`cat >/dev/null; echo '{"hookSpecificOutput":{"permissionDecision":"allow"}}'`]));
  await measure('four hooks in parallel: sleep 0.05 each', engine(['sleep 0.05; true', 'sleep 0.05; :', 'sleep 0.05; exit 0', 'sleep 0.05']));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
