// Spawns the built tandem binary, as a user would, against the scripted model server.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { madeTempDirs } from './temp-registry.js';

export const TANDEM_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/tandem.js');

export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  input?: string;
  /** A safety net for a hung binary, not a timing assertion. */
  killAfterMs?: number;
}

/** A fresh temp folder (real path), for a workspace or a TANDEM_HOME; removed when the test file ends. */
export function tempDir(prefix = 'tandem-test-'): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  madeTempDirs.push(dir);
  return dir;
}

/** The environment a test run gets: the scripted server, a fake key, an isolated TANDEM_HOME. */
export function testEnv(baseUrl: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: 'sk-ant-test-0000-FAKE-KEY-for-tests',
    TANDEM_HOME: tempDir('tandem-home-'),
    // tandem's own temp files (task logs, checkpoints) land in a folder the test run removes.
    TMPDIR: tempDir('tandem-tmp-'),
    ...extra,
  };
}

export function startTandem(args: string[], opts: RunOptions): ChildProcess {
  const child = spawn(process.execPath, [TANDEM_BIN, ...args], {
    cwd: opts.cwd,
    env: Object.fromEntries(Object.entries(opts.env ?? {}).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  return child;
}

export function runTandem(args: string[], opts: RunOptions): Promise<RunResult> {
  const child = startTandem(args, opts);
  return collect(child, opts.killAfterMs ?? 60_000);
}

export function collect(child: ChildProcess, killAfterMs = 60_000): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; });
  const guard = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A running tandem whose output is kept as it arrives, so a test can wait for a line instead of for time. */
export interface Watched {
  child: ChildProcess;
  /** Everything written so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when the process has exited. */
  done: Promise<RunResult>;
  /**
   * Resolves with the first match of `re` in the stream's text from offset `from` (default 0); rejects after
   * `timeoutMs` (default 15s) or when the process exits first, saying what did arrive.
   */
  waitFor(re: RegExp, opts?: { stream?: 'stdout' | 'stderr'; from?: number; timeoutMs?: number }): Promise<RegExpExecArray>;
}

export function watch(child: ChildProcess, killAfterMs = 60_000): Watched {
  const text = { stdout: '', stderr: '' };
  const wakers = new Set<() => void>();
  const wake = () => { for (const w of wakers) w(); };
  child.stdout!.on('data', (d) => { text.stdout += d; wake(); });
  child.stderr!.on('data', (d) => { text.stderr += d; wake(); });
  let exited = false;
  const done = collect(child, killAfterMs).then((r) => { exited = true; wake(); return r; });
  const waitFor: Watched['waitFor'] = (re, opts = {}) => new Promise((resolve, reject) => {
    const stream = opts.stream ?? 'stdout';
    const pattern = new RegExp(re.source, re.flags.replace('g', ''));
    const finish = () => { clearTimeout(timer); wakers.delete(check); };
    const fail = (why: string) => {
      finish();
      reject(new Error(`${why} waiting for ${re} on ${stream}; it has:\n${text[stream].slice(opts.from ?? 0)}\n` +
        `(${stream === 'stdout' ? 'stderr' : 'stdout'}: ${text[stream === 'stdout' ? 'stderr' : 'stdout']})`));
    };
    const check = () => {
      const match = pattern.exec(text[stream].slice(opts.from ?? 0));
      if (match) {
        finish();
        resolve(match);
      } else if (exited) fail('the process exited');
    };
    const timer = setTimeout(() => fail(`timed out after ${opts.timeoutMs ?? 15_000}ms`), opts.timeoutMs ?? 15_000);
    wakers.add(check);
    check();
  });
  return {
    child, done, waitFor,
    get stdout() { return text.stdout; },
    get stderr() { return text.stderr; },
  };
}
