// Benchmark: how fast the built CLI comes up and goes away. Time from start to the REPL's prompt without and
// with 50 custom commands and 10 skills in the user's folders (their front matter is parsed at start), and from
// SIGHUP / SIGTERM to exit with no tasks running.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = path.resolve('dist/tandem.js');
const RUNS = 8;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Starts the REPL, waits for its prompt, sends `signal`; resolves with [ms to prompt, ms from signal to exit]. */
function once(home: string, cwd: string, signal: NodeJS.Signals): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN], {
      cwd,
      env: { PATH: process.env.PATH, HOME: home, TANDEM_HOME: path.join(home, '.tandem'), ANTHROPIC_API_KEY: 'sk-ant-bench', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let up = 0;
    let sent = 0;
    child.stdout.on('data', (d) => {
      out += d;
      if (!sent && out.includes('tandem> ')) {
        up = performance.now() - t0;
        sent = performance.now();
        child.kill(signal);
      }
    });
    child.on('exit', () => (sent ? resolve([up, performance.now() - sent]) : reject(new Error(`exited before its prompt: ${out}`))));
  });
}

function userFolders(home: string, commands: number, skills: number): void {
  for (let i = 0; i < commands; i++) {
    const dir = path.join(home, '.claude', 'commands', i % 5 ? '' : 'team');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `cmd${i}.md`), `---\ndescription: Command number ${i}\nargument-hint: "[path]"\nallowed-tools: Bash(git diff:*), Read\n---\nDo task ${i} on $ARGUMENTS.\n`);
  }
  for (let i = 0; i < skills; i++) {
    const dir = path.join(home, '.claude', 'skills', `skill-${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'SKILL.md'), `---\nname: skill-${i}\ndescription: Skill ${i}; use it when the task is about topic ${i}.\n---\n# Skill ${i}\n${'Instructions. '.repeat(200)}\n`);
  }
}

async function main(): Promise<void> {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-ws-'));
  const plain = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-home-'));
  const loaded = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-home-'));
  userFolders(loaded, 50, 10);
  try {
    for (const [label, home] of [['no commands or skills', plain], ['50 commands + 10 skills', loaded]] as const) {
      const ups: number[] = [];
      for (let i = 0; i < RUNS; i++) ups.push((await once(home, cwd, 'SIGTERM'))[0]);
      console.log(`start to REPL prompt, ${label}: median ${median(ups).toFixed(0)} ms (${RUNS} runs)`);
    }
    for (const signal of ['SIGHUP', 'SIGTERM'] as const) {
      const downs: number[] = [];
      for (let i = 0; i < RUNS; i++) downs.push((await once(plain, cwd, signal))[1]);
      console.log(`${signal} to exit, no tasks: median ${median(downs).toFixed(0)} ms, max ${Math.max(...downs).toFixed(0)} ms (${RUNS} runs)`);
    }
  } finally {
    for (const dir of [cwd, plain, loaded]) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
