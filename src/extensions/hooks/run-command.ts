// Runs one hook command: `sh -c COMMAND` in the project folder, the event's JSON on stdin, stdout and stderr
// collected (bounded), killed with its whole process group at its timeout or when the turn is interrupted.
import { spawn } from 'node:child_process';

export interface HookProcessResult {
  /** null when it was killed (timeout, interrupt) or could not start. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not be started at all. */
  spawnError?: string;
  durationMs: number;
}

export interface RunHookOptions {
  command: string;
  stdin: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
}

const MAX_OUTPUT = 1_000_000;
const KILL_GRACE_MS = 1_000;

/** Never rejects: every way a hook can fail is in the result. */
export function runHookCommand(opts: RunHookOptions): Promise<HookProcessResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    let child: ReturnType<typeof spawn>;
    try {
      // Its own process group, so a timeout kills what the hook started too.
      child = spawn('/bin/sh', ['-c', opts.command], { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ exitCode: null, stdout, stderr, timedOut, spawnError: (err as Error).message, durationMs: Date.now() - started });
      return;
    }
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
      // A grandchild that left the group may hold the pipes open: stop waiting for them.
      setTimeout(() => finish(null), 2 * KILL_GRACE_MS).unref();
    }, opts.timeoutMs);
    const onAbort = () => {
      stop();
      setTimeout(() => finish(null), 2 * KILL_GRACE_MS).unref();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (exitCode: number | null, spawnError?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode, stdout, stderr, timedOut, spawnError, durationMs: Date.now() - started });
    };
    child.stdout!.on('data', (d: Buffer) => { if (stdout.length < MAX_OUTPUT) stdout += d.toString('utf8'); });
    child.stderr!.on('data', (d: Buffer) => { if (stderr.length < MAX_OUTPUT) stderr += d.toString('utf8'); });
    child.on('error', (err) => finish(null, err.message));
    // 'close' waits for the pipes; a hook that backgrounds a child holding them open is still bounded by the timer.
    child.on('close', (code) => finish(timedOut ? null : code));
    child.stdin!.on('error', () => {}); // a hook that never reads its stdin
    child.stdin!.end(opts.stdin);
    if (opts.signal?.aborted) stop();
  });
}
