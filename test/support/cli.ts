// Spawns the built tandem binary, as a user would, against the scripted model server.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TANDEM_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/tandem.js');

export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  input?: string;
  /** A safety net for a hung binary, not a timing assertion. */
  killAfterMs?: number;
}

/** A fresh temp folder (real path), for a workspace or a TANDEM_HOME. */
export function tempDir(prefix = 'tandem-test-'): string {
  return realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** The environment a test run gets: the scripted server, a fake key, an isolated TANDEM_HOME. */
export function testEnv(baseUrl: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: 'sk-ant-test-0000-FAKE-KEY-for-tests',
    TANDEM_HOME: tempDir('tandem-home-'),
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
