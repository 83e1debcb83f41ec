// tandem's side of the task supervisor (see supervisor-script.ts): started once, on the first pipe task, shared by
// every TaskManager of the process; starting a task is one line to it, and its exit and output progress come back
// as lines. Without perl (or if the supervisor dies), tasks are spawned from tandem itself as before.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { signalName } from './spawn.js';
import { MIN_STREAM_SECRET } from './stream-redactor.js';
import { SUPERVISOR_SCRIPT } from './supervisor-script.js';

export interface SupervisedSpec {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  token: string;
  logPath: string;
  maxLogBytes: number;
  /** Runs under a keeper that outlives tandem; its stdin is /dev/null. */
  persistent: boolean;
  /** The supervisor makes the pid namespace itself; argv is then [shell, command] (see nativeNamespaces). */
  native?: boolean;
  /** Hidden as [REDACTED] in the log (the supervisor keeps every secret it was ever given). */
  secrets?: readonly string[];
}

export interface SupervisedHandlers {
  started(pid: number): void;
  /** Bytes written to the log so far. */
  progress(total: number): void;
  writeError(at: number, message: string): void;
  exit(code: number | null, signal: string | null): void;
  closed(total: number): void;
  error(message: string): void;
}

export interface SupervisedProcess {
  write(input: string): boolean;
  endInput(): void;
  pause(): void;
  resume(): void;
  detach(): void;
}


const hex = (s: string): string => Buffer.from(s).toString('hex');

export class Supervisor {
  private child?: ChildProcessWithoutNullStreams;
  private broken = false;
  private readonly tasks = new Map<string, SupervisedHandlers>();
  private readonly envKeys = new WeakMap<object, string>();
  private seq = 0;
  private envSeq = 0;
  private buffered = '';
  private referenced = false;
  private readonly secretsSent = new Set<string>();

  constructor(private readonly prefix: string[], private readonly perl: string) {}

  get usable(): boolean {
    return !this.broken;
  }

  /**
   * It can make a task's pid namespace itself (unshare and prctl by syscall number), saving the setpriv,
   * unshare and init-shell execs of every start: known for x86-64 and arm64 Linux.
   */
  get nativeNamespaces(): boolean {
    return process.platform === 'linux' && SYSCALLS[process.arch] !== undefined && process.env.TANDEM_NATIVE_NS !== '0';
  }

  start(spec: SupervisedSpec, on: SupervisedHandlers): SupervisedProcess {
    const child = this.ensure();
    const wireId = `t${++this.seq}`;
    this.tasks.set(wireId, on);
    this.updateRef();
    let envKey = this.envKeys.get(spec.env);
    const lines: string[] = [];
    if (!envKey) {
      envKey = `e${++this.envSeq}`;
      this.envKeys.set(spec.env, envKey);
      const vars = Object.entries(spec.env).filter(([, v]) => v !== undefined).map(([k, v]) => hex(`${k}=${v}`));
      lines.push(['E', envKey, ...vars].join(' '));
    }
    const fresh = (spec.secrets ?? []).map((v) => v.trim()).filter((v) => v.length >= MIN_STREAM_SECRET && !this.secretsSent.has(v));
    if (fresh.length) {
      for (const v of fresh) this.secretsSent.add(v);
      lines.push(['R', ...fresh.map(hex)].join(' '));
    }
    const flags = `${spec.persistent ? '1' : '0'}${spec.native ? 'n' : ''}`;
    lines.push(['S', wireId, envKey, hex(spec.cwd), hex(spec.logPath), String(spec.maxLogBytes), flags,
      spec.token, ...spec.argv.map(hex)].join(' '));
    child.stdin.write(`${lines.join('\n')}\n`);
    let inputOpen = !spec.persistent;
    return {
      write: (input) => {
        if (!inputOpen || !this.tasks.has(wireId)) return false;
        child.stdin.write(`I ${wireId} ${hex(input)}\n`);
        return true;
      },
      endInput: () => {
        if (!inputOpen) return;
        inputOpen = false;
        child.stdin.write(`C ${wireId}\n`);
      },
      pause: () => {},
      resume: () => {},
      detach: () => {
        inputOpen = false;
        if (!this.tasks.has(wireId)) return;
        if (spec.persistent) {
          // Its keeper goes on alone: this process stops listening (and no longer waits for it to exit).
          this.tasks.delete(wireId);
          this.updateRef();
        } else child.stdin.write(`D ${wireId}\n`);
      },
    };
  }

  private ensure(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    // Its own session (terminal signals are for tandem, which kills tasks gracefully); it dies with tandem.
    const argv = [...this.prefix, this.perl, '-e', SUPERVISOR_SCRIPT, ...(SYSCALLS[process.arch] ?? [0, 0, 0]).map(String)];
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['pipe', 'pipe', 'ignore'] as const }) as unknown as ChildProcessWithoutNullStreams;
    this.child = child;
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (text: string) => this.onData(text));
    child.stdin.on('error', () => { /* reported through exit */ });
    child.once('error', () => this.fail());
    child.once('exit', () => this.fail());
    this.referenced = true;
    return child;
  }

  /** Keeps tandem's event loop alive only while some supervised task still runs, as its own children would. */
  private updateRef(): void {
    const want = this.tasks.size > 0;
    if (!this.child || want === this.referenced) return;
    this.referenced = want;
    const streams = [this.child.stdout, this.child.stdin] as unknown as { ref?(): void; unref?(): void }[];
    if (want) {
      this.child.ref();
      for (const s of streams) s.ref?.();
    } else {
      this.child.unref();
      for (const s of streams) s.unref?.();
    }
  }

  private onData(text: string): void {
    const lines = (this.buffered + text).split('\n');
    this.buffered = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
    this.updateRef();
  }

  private onLine(line: string): void {
    const f = line.split(' ');
    const wireId = f[1] ?? '';
    const on = this.tasks.get(wireId);
    if (!on) return;
    switch (f[0]) {
      case 's': on.started(Number(f[2])); break;
      case 'o': on.progress(Number(f[2])); break;
      case 'e': on.writeError(Number(f[2]), Buffer.from(f[3] ?? '', 'hex').toString()); break;
      case 'x':
        this.ended(wireId, 'exited');
        on.exit(f[2] === '-' ? null : Number(f[2]), f[3] === '-' ? null : signalName(Number(f[3])));
        break;
      case 'c':
        this.ended(wireId, 'closed');
        on.closed(Number(f[2]));
        break;
      case 'f':
        this.tasks.delete(wireId);
        on.error(Buffer.from(f[2] ?? '', 'hex').toString());
        break;
      case 'K':
        // A keeper died without saying its task ended (killed itself): the task's end is unknown to it.
        this.tasks.delete(wireId);
        if (this.halfDone.get(wireId) !== 'exited') on.exit(null, f[3] === '-' ? null : signalName(Number(f[3])));
        if (this.halfDone.get(wireId) !== 'closed') on.closed(NaN);
        this.halfDone.delete(wireId);
        break;
    }
  }

  /** Wire ids that have exited or closed, not both yet. */
  private readonly halfDone = new Map<string, 'exited' | 'closed'>();

  private ended(wireId: string, what: 'exited' | 'closed'): void {
    const other = this.halfDone.get(wireId);
    if (other && other !== what) {
      this.halfDone.delete(wireId);
      this.tasks.delete(wireId);
    } else this.halfDone.set(wireId, what);
  }

  /** The supervisor is gone (or never came up): every task it had ends, and new ones start from tandem. */
  private fail(): void {
    this.broken = true;
    const left = [...this.tasks.values()];
    this.tasks.clear();
    for (const on of left) {
      on.exit(null, null);
      on.closed(NaN);
    }
  }
}

/** unshare, prctl, close_range. */
const SYSCALLS: Partial<Record<string, number[]>> = { x64: [272, 157, 436], arm64: [97, 167, 436] };

let shared: Supervisor | undefined;

/** The process's supervisor, or undefined where it cannot run (no perl, not Unix, or TANDEM_SUPERVISOR=0). */
export function sharedSupervisor(prefix: string[]): Supervisor | undefined {
  if (shared) return shared.usable ? shared : undefined;
  if (process.platform === 'win32' || process.env.TANDEM_SUPERVISOR === '0') return undefined;
  const perl = findPerl();
  if (!perl) return undefined;
  shared = new Supervisor(prefix, perl);
  return shared;
}

function findPerl(): string | undefined {
  for (const dir of ['/usr/bin', '/bin', ...(process.env.PATH ?? '').split(path.delimiter)]) {
    if (!dir) continue;
    const candidate = path.join(dir, 'perl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}
