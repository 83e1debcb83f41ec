// Starting a wrapped command with pipes or a pseudo-terminal behind one small interface, so the task logic
// does not care which. Output arrives as Buffers in order; exit is reported as soon as the process exits.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import type { IPty } from '@lydell/node-pty';

export interface ProcessHandlers {
  data(chunk: Buffer): void;
  /** The spawned process exited (its output may still be draining). */
  exit(code: number | null, signal: string | null): void;
  /** Every output stream has closed. */
  closed(): void;
  /** The process could not be started at all. */
  error(err: Error): void;
}

export interface SpawnedProcess {
  readonly pid: number;
  readonly tty: boolean;
  /** Returns false if the input could not be written (stdin closed). */
  write(input: string): boolean;
  endInput(): void;
  pause(): void;
  resume(): void;
  /** Stops reading output (for pipes a leftover process may hold open). */
  detach(): void;
}

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export const PTY_COLS = 120;
export const PTY_ROWS = 40;

export function spawnWithPipes(argv: string[], opts: SpawnOptions, on: ProcessHandlers): SpawnedProcess | undefined {
  const child = spawn(argv[0], argv.slice(1), {
    cwd: opts.cwd, env: opts.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    child.once('error', (err) => on.error(err));
    return undefined;
  }
  const { stdin, stdout, stderr } = child;
  let open = 2;
  const closeOne = (): void => {
    if (--open === 0) on.closed();
  };
  stdout.on('data', on.data);
  stderr.on('data', on.data);
  stdout.once('close', closeOne);
  stderr.once('close', closeOne);
  child.once('exit', (code, signal) => on.exit(code, signal));
  child.on('error', () => { /* reported through exit */ });
  stdin.on('error', () => { /* the process closed its stdin; write() reports it */ });
  let inputOpen = true;
  return {
    pid: child.pid,
    tty: false,
    write(input) {
      if (!inputOpen || stdin.destroyed || !stdin.writable) return false;
      stdin.write(input);
      return true;
    },
    endInput() {
      inputOpen = false;
      stdin.end();
    },
    pause() {
      stdout.pause();
      stderr.pause();
    },
    resume() {
      stdout.resume();
      stderr.resume();
    },
    detach() {
      inputOpen = false;
      stdin.destroy();
      stdout.destroy();
      stderr.destroy();
    },
  };
}

type PtyModule = typeof import('@lydell/node-pty');
let ptyModule: PtyModule | undefined;

function loadPty(): PtyModule {
  // Loaded on first use: the native addon costs nothing to tasks that never ask for a terminal.
  ptyModule ??= createRequire(import.meta.url)('@lydell/node-pty') as PtyModule;
  return ptyModule;
}

export function spawnWithPty(argv: string[], opts: SpawnOptions, on: ProcessHandlers): SpawnedProcess | undefined {
  let term: IPty;
  try {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) env[k] = v;
    env.TERM ??= 'xterm-256color';
    term = loadPty().spawn(argv[0], argv.slice(1), {
      name: env.TERM, cols: PTY_COLS, rows: PTY_ROWS, cwd: opts.cwd, env,
      // Raw bytes: the log keeps exact byte offsets and no decoder splits a character.
      encoding: null as unknown as string,
    });
  } catch (err) {
    queueMicrotask(() => on.error(err instanceof Error ? err : new Error(String(err))));
    return undefined;
  }
  let alive = true;
  const dataSub = term.onData((d: string | Buffer) => {
    if (alive) on.data(typeof d === 'string' ? Buffer.from(d) : d);
  });
  term.onExit(({ exitCode, signal }) => {
    // node-pty reports exit only once the terminal has closed, so the output is complete here.
    on.exit(signal ? null : exitCode, signal ? signalName(signal) : null);
    alive = false;
    dataSub.dispose();
    on.closed();
  });
  return {
    pid: term.pid,
    tty: true,
    write(input) {
      if (!alive) return false;
      term.write(input);
      return true;
    },
    endInput() {
      // A terminal has no separate end of input: Ctrl-D is end-of-file at the start of a line.
      if (alive) term.write('\x04');
    },
    pause: () => term.pause(),
    resume: () => term.resume(),
    detach() {
      alive = false;
      dataSub.dispose();
    },
  };
}

const signalNames = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

export function signalName(n: number): string {
  return signalNames.get(n) ?? `signal ${n}`;
}
