// One task: its process, its output log, and the honest record of how it ended. A task ends when its process
// exits (not when its pipes close); whatever it started is then gone (pid namespace) or killed (process group).
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { untilEmpty, type TaskCgroup } from './cgroup.js';
import type { ResolvedIsolation } from './isolation.js';
import { ExternalLog, type TaskLog } from './external-log.js';
import { readExitFile, type PersistentRecord } from './persistent.js';
import { OutputLog } from './output-log.js';
import {
  findMembers, isAlive, processStartTime, readNs, scanProcesses, signalGroup, signalProcess, TASK_TOKEN_VAR,
  type ProcInfo,
} from './process-table.js';
import { StreamRedactor } from './stream-redactor.js';
import { spawnWithPipes, spawnWithPty, type ProcessHandlers, type SpawnedProcess } from './spawn.js';
import type { SupervisedProcess, Supervisor } from './supervisor.js';
import type { KilledBy, TaskSnapshot, TaskStatus } from './types.js';

/** An adopted task's log and exit file are looked at this often; its exit file may lag its death this long. */
const ADOPTED_POLL_MS = 250;
const ADOPTED_EXIT_WAIT_MS = 3000;
/** After the process exits, its output gets this long to drain before leftover pipe holders are ignored. */
const DRAIN_CAP_MS = 1000;
/** During a kill's grace, how often to look for processes started since the SIGTERM. */
const RETERM_MS = 100;

export interface TaskInit {
  id: string;
  command: string;
  description?: string;
  tty: boolean;
  foreground: boolean;
  timeoutMs?: number;
  logPath: string;
  maxLogBytes: number;
  killGraceMs: number;
  /** Started by this supervisor (a pipe task): its output goes to the log without passing through tandem. */
  supervisor?: Supervisor;
  /** Kept running when tandem ends (needs a supervisor). */
  persistent?: boolean;
  /** The supervisor makes the pid namespace (argv is [shell, command]). */
  nativeNamespace?: boolean;
  /** A persistent task an earlier tandem started (see adopt). */
  adopted?: boolean;
  startedAt?: number;
  /** Hidden as [REDACTED] in the log. */
  secrets?: readonly string[];
  /** Process-group mode: the cgroup v2 its shell joins before the command runs (see cgroup.ts). */
  cgroup?: TaskCgroup;
}

export interface TaskHooks {
  output(task: Task, chunk: Buffer): void;
  /** Supervised tasks: bytes [from, to) reached the log (read them from it if wanted). */
  grew?(task: Task, from: number, to: number): void;
  /** The process exists and has a pid. */
  launched?(task: Task): void;
  end(task: Task): void;
}

export interface LaunchSpec {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  isolation: ResolvedIsolation;
}

export class Task {
  readonly id: string;
  readonly command: string;
  readonly description?: string;
  readonly tty: boolean;
  readonly timeoutMs?: number;
  readonly startedAt: number;
  readonly log: TaskLog;
  readonly persistent: boolean;
  private readonly secrets: readonly string[] | undefined;
  /** Put in the task's environment (TANDEM_TASK_TOKEN) to find its processes wherever they went. */
  readonly token: string;
  foreground: boolean;
  status: TaskStatus = 'running';
  exitCode?: number;
  signal?: string;
  killedBy?: KilledBy;
  failReason?: string;
  endedAt?: number;
  /** Byte offset up to which the model has been shown new output. */
  cursor = 0;
  /** The model has seen how this task ended (through a tool result), so no notice is due. */
  endSeen = false;
  pid?: number;
  pidStartTime?: number;
  readonly ended: Promise<void>;

  private proc?: SpawnedProcess | SupervisedProcess;
  private readonly supervisor?: Supervisor;
  private syncKilled = false;
  private readonly nativeNamespace: boolean;
  private resolvePid!: () => void;
  /** Resolves once the pid is known, or the task could not start. */
  private readonly pidKnown = new Promise<void>((resolve) => { this.resolvePid = resolve; });
  private isolation?: ResolvedIsolation;
  private pidNs?: string;
  private exited = false;
  private outputClosed = false;
  private onClosed?: () => void;
  private killing?: Promise<void>;
  /** Every process seen belonging to the task, by pid and start time. */
  private readonly known = new Map<string, ProcInfo>();
  private leftovers: Promise<void> = Promise.resolve();
  private leftoversPending = false;
  private killSignal?: 'SIGTERM' | 'SIGKILL';
  private timer?: NodeJS.Timeout;
  private resolveEnded!: () => void;
  private readonly killGraceMs: number;
  private readonly cgroup?: TaskCgroup;

  constructor(init: TaskInit, private readonly hooks: TaskHooks) {
    this.id = init.id;
    this.command = init.command;
    this.description = init.description;
    this.tty = init.tty;
    this.foreground = init.foreground;
    this.timeoutMs = init.timeoutMs;
    this.killGraceMs = init.killGraceMs;
    this.token = `${process.pid}.${init.id}.${randomBytes(6).toString('hex')}`;
    this.startedAt = init.startedAt ?? Date.now();
    this.nativeNamespace = !!init.nativeNamespace;
    this.secrets = init.secrets;
    this.cgroup = init.cgroup;
    this.supervisor = init.tty ? undefined : init.supervisor;
    this.persistent = !!((this.supervisor || init.adopted) && init.persistent);
    this.log = this.supervisor || init.adopted ? new ExternalLog(init.logPath, init.maxLogBytes) : new OutputLog(init.logPath, init.maxLogBytes);
    this.ended = new Promise((resolve) => { this.resolveEnded = resolve; });
  }

  get isolationMode(): ResolvedIsolation['mode'] | undefined {
    return this.isolation?.mode;
  }

  get running(): boolean {
    return this.status === 'running';
  }

  /** Starts the process; on failure the task ends at once as 'failed_to_start'. */
  launch(spec: LaunchSpec, onTimeout: () => void): void {
    this.isolation = spec.isolation;
    if (!existsSync(spec.cwd) || !statSync(spec.cwd).isDirectory()) {
      this.failToStart(`working directory ${spec.cwd} does not exist`);
      return;
    }
    // The supervisor's exec would fail after the fork; the kernel's limits are known, so say it here, at once.
    if (overArgumentLimit(spec.argv, spec.env)) {
      this.failToStart(spawnFailure(Object.assign(new Error('spawn E2BIG'), { code: 'E2BIG' })));
      return;
    }
    if (this.timeoutMs !== undefined) {
      this.timer = setTimeout(onTimeout, this.timeoutMs);
      this.timer.unref();
    }
    if (this.supervisor) {
      this.launchSupervised(spec, this.supervisor);
      return;
    }
    const spawnFn = this.tty ? spawnWithPty : spawnWithPipes;
    // Node's stdio pipes are socketpairs; bash (built with SSH_SOURCE_BASHRC, as on Debian) takes a socket on
    // stdin with SHLVL unset for an ssh session and sources ~/.bashrc for every command. A SHLVL stops that.
    const env = { SHLVL: '1', ...spec.env, [TASK_TOKEN_VAR]: this.token };
    const log = this.log as OutputLog;
    const redactor = new StreamRedactor(this.secrets ?? []);
    const write = (chunk: Buffer): void => {
      if (!chunk.length) return;
      if (!log.append(chunk)) this.proc?.pause();
      this.hooks.output(this, chunk);
    };
    const handlers: ProcessHandlers = {
      data: (chunk) => write(redactor.push(chunk)),
      exit: (code, signal) => void this.onExit(code, signal),
      closed: () => {
        write(redactor.flush());
        this.outputClosed = true;
        this.onClosed?.();
      },
      error: (err) => this.failToStart(spawnFailure(err)),
    };
    let proc: SpawnedProcess | undefined;
    try {
      proc = spawnFn(spec.argv, { cwd: spec.cwd, env }, handlers);
    } catch (err) {
      // Node throws (rather than emitting 'error') for E2BIG and a few other spawn errors.
      this.failToStart(spawnFailure(err));
      return;
    }
    if (!proc) return;
    this.proc = proc;
    this.pid = proc.pid;
    this.pidStartTime = processStartTime(proc.pid);
    this.resolvePid();
    log.onDrain = () => this.proc?.resume();
    this.hooks.launched?.(this);
  }

  /** The supervisor forks it and drains its output into the log; only sizes and the exit come back here. */
  private launchSupervised(spec: LaunchSpec, supervisor: Supervisor): void {
    const log = this.log as ExternalLog;
    const grow = (total: number): void => {
      const from = log.totalBytes;
      log.advance(total);
      if (log.totalBytes > from) this.hooks.grew?.(this, from, log.totalBytes);
    };
    this.proc = supervisor.start({
      argv: spec.argv, cwd: spec.cwd, env: spec.env, token: this.token, logPath: log.path,
      maxLogBytes: log.maxBytes, persistent: this.persistent, native: this.nativeNamespace, secrets: this.secrets,
    }, {
      started: (pid) => {
        this.pid = pid;
        this.pidStartTime = processStartTime(pid);
        this.resolvePid();
        // killSync came before the pid did (tandem exiting right after a start): it dies now.
        if (this.syncKilled) this.signalAll('SIGKILL');
        else this.hooks.launched?.(this);
      },
      progress: grow,
      writeError: (at, message) => log.failed(at, message),
      exit: (code, signal) => void this.onExit(code, signal),
      closed: (total) => {
        if (!Number.isNaN(total)) grow(total);
        this.outputClosed = true;
        this.onClosed?.();
      },
      error: (message) => this.failToStart(message),
    });
  }

  snapshot(): TaskSnapshot {
    const snap: TaskSnapshot = {
      id: this.id,
      command: this.command,
      status: this.status,
      startedAt: this.startedAt,
      runtimeMs: (this.endedAt ?? Date.now()) - this.startedAt,
      outputBytes: this.log.totalBytes,
      logPath: this.log.path,
      tty: this.tty,
      foreground: this.foreground,
    };
    if (this.description) snap.description = this.description;
    if (this.exitCode !== undefined) snap.exitCode = this.exitCode;
    if (this.signal) snap.signal = this.signal;
    if (this.killedBy) snap.killedBy = this.killedBy;
    if (this.failReason) snap.failReason = this.failReason;
    if (this.endedAt !== undefined) snap.endedAt = this.endedAt;
    if (this.timeoutMs !== undefined) snap.timeoutMs = this.timeoutMs;
    if (this.persistent) snap.persistent = true;
    return snap;
  }

  /** Writes to stdin (or the terminal); false if input can no longer be delivered. */
  write(input: string, closeStdin: boolean): boolean {
    if (!this.running || !this.proc || this.exited) return false;
    const ok = input.length ? this.proc.write(input) : true;
    if (closeStdin) this.proc.endInput();
    return ok;
  }

  /** SIGTERM to every process of the task, SIGKILL after the grace; resolves when the task has ended. */
  kill(by: KilledBy): Promise<void> {
    // A task whose process already exited is only draining its output: it ended on its own.
    if (this.exited || !this.running) return this.ended;
    this.killedBy ??= by;
    this.killing ??= this.runKill();
    return this.killing;
  }

  /** Resolves once the task has ended and nothing it left behind is still being killed. */
  async settled(): Promise<void> {
    await this.ended;
    await this.leftovers;
  }

  /** True while processes of the task may be alive (running, or leftovers still being killed). */
  get live(): boolean {
    return this.running || this.leftoversPending;
  }

  /** Synchronous SIGKILL of everything, for process exit; the 'exit' event will never be seen. */
  killSync(): void {
    if (!this.live) return;
    this.syncKilled = true;
    this.signalAll('SIGKILL');
    this.cgroup?.kill();
    this.log.flushSync();
  }

  /** A persistent task left running as this tandem ends: stop following it (a later one re-attaches). */
  release(): void {
    if (this.persistent && this.running) this.proc?.detach();
  }

  /** Every live process of the task. */
  members(): ProcInfo[] {
    if (this.pid === undefined) return [];
    const inNs = this.isolation?.mode === 'pid-namespace';
    const found = findMembers(scanProcesses({ ns: inNs, tokens: !inNs }), {
      rootPid: this.exited ? -1 : this.pid,
      rootStartTime: this.pidStartTime,
      // Once the root is reaped, its pid (so the group id) and its namespace's inode number may be reused.
      pgid: this.exited ? undefined : this.pid,
      pidNs: this.exited ? undefined : this.namespace(),
      token: inNs ? undefined : this.token,
      notBefore: this.pidStartTime,
    });
    if (!this.cgroup) return found;
    // The cgroup holds what left group, parent and environment (`env -i setsid -f`).
    const pids = new Set(found.map((p) => p.pid));
    return [...found, ...this.cgroup.members().filter((p) => !pids.has(p.pid) && p.pid !== process.pid)];
  }

  private async runKill(): Promise<void> {
    // A supervised task asked to die before its pid came back: signal it once it has one.
    await this.pidKnown;
    this.killSignal = 'SIGTERM';
    const termed = new Set<string>();
    this.signalAll('SIGTERM', termed);
    let isEnded = false;
    void this.ended.then(() => { isEnded = true; });
    const deadline = Date.now() + this.killGraceMs;
    // During the grace, processes started since the last look (a loop's next command, or the command itself
    // when the kill came during startup) get their SIGTERM too; each process gets it once.
    while (!isEnded && Date.now() < deadline) {
      await Promise.race([this.ended, delay(Math.min(RETERM_MS, deadline - Date.now()))]);
      if (!isEnded) this.signalAll('SIGTERM', termed);
    }
    if (!isEnded) {
      this.killSignal = 'SIGKILL';
      this.signalAll('SIGKILL');
      await this.ended;
    }
    // In a pid namespace the kernel killed the rest with PID 1; a process group may still hold some.
    await this.leftovers;
  }

  /** Signals every process of the task, including any seen before that still lives (by identity). */
  private signalAll(signal: NodeJS.Signals, skip?: Set<string>): void {
    const firstRound = !skip?.size;
    this.remember(this.members());
    for (const [key, p] of this.known) {
      if (skip?.has(key)) continue;
      skip?.add(key);
      signalProcess(p, signal);
    }
    // The group id is ours only while the root lives (it cannot be reused before the root is reaped).
    if (this.pid !== undefined && !this.exited && firstRound) signalGroup(this.pid, signal);
  }

  private remember(procs: ProcInfo[]): void {
    for (const p of procs) this.known.set(`${p.pid}:${p.startTime ?? ''}`, p);
  }

  /** The task's pid namespace once unshare has created it (pid_for_children differs from ours). */
  private namespace(): string | undefined {
    if (this.pidNs || this.isolation?.mode !== 'pid-namespace' || this.pid === undefined) return this.pidNs;
    const ns = readNs(this.pid, 'pid_for_children');
    if (ns && ns !== readNs('self', 'pid')) this.pidNs = ns;
    return this.pidNs;
  }

  /**
   * Takes over a persistent task an earlier tandem started: its keeper drains it into the log and writes
   * `<log>.exit` when it ends, so this only watches the log's size and that file (no process of ours to wait on).
   */
  /** Returns true if the task turned out to have ended already (its notice follows, as for any end). */
  adopt(rec: PersistentRecord, isolation: ResolvedIsolation, killedBy?: KilledBy): boolean {
    this.isolation = isolation;
    this.pid = rec.pid;
    this.pidStartTime = rec.pidStartTime;
    this.cursor = rec.cursor;
    this.resolvePid();
    const log = this.log as ExternalLog;
    let goneAt: number | undefined;
    const look = (): boolean => {
      const exit = readExitFile(log.path);
      const size = exit?.totalBytes ?? fileSize(log.path);
      if (size > log.totalBytes) {
        const from = log.totalBytes;
        log.advance(size);
        this.hooks.grew?.(this, from, log.totalBytes);
      }
      if (exit || (goneAt !== undefined && Date.now() - goneAt > ADOPTED_EXIT_WAIT_MS)) {
        clearInterval(poll);
        this.outputClosed = true;
        this.exited = true;
        if (killedBy) this.killedBy ??= killedBy;
        if (this.killedBy && !this.killing) this.killing = Promise.resolve();
        // Without an exit file its keeper was killed too: how the task ended is unknown.
        if (!exit) this.failReason = 'ended while no tandem ran; its keeper was killed, so its exit status is unknown';
        void this.onExit(exit?.code ?? null, exit?.signal ?? null, exit?.endedAt);
        return true;
      }
      if (goneAt === undefined && !isAlive({ pid: rec.pid, startTime: rec.pidStartTime })) goneAt = Date.now();
      return false;
    };
    const poll = setInterval(look, ADOPTED_POLL_MS);
    poll.unref();
    return look();
  }

  private async onExit(code: number | null, signal: string | null, endedAt?: number): Promise<void> {
    const exitedAt = endedAt ?? Date.now();
    this.exited = true;
    if (this.isolation?.mode === 'process-group') this.leftovers = this.killLeftovers();
    // Let the output drain: pipes close at once unless a leftover process still holds them.
    if (!this.outputClosed) {
      await new Promise<void>((resolve) => {
        const cap = setTimeout(resolve, DRAIN_CAP_MS);
        this.onClosed = () => {
          clearTimeout(cap);
          resolve();
        };
      });
    }
    this.proc?.detach();
    await this.log.close();
    if (this.killing) {
      this.status = this.killedBy === 'timeout' ? 'timed_out' : 'killed';
      this.signal = this.killSignal;
    } else {
      this.status = 'exited';
      if (code !== null) this.exitCode = code;
      if (signal) this.signal = signal;
    }
    this.finish(exitedAt);
  }

  /**
   * Process-group mode: after the main process exits, whatever it left (in its group, below the group, or
   * seen by an earlier scan) gets SIGTERM, then SIGKILL if still alive after the grace. These are not our
   * children, so no exit event exists for them: this polls /proc until they are gone or the grace is over.
   */
  private async killLeftovers(): Promise<void> {
    const scan = (): void => this.remember(this.members());
    scan();
    const alive = (): ProcInfo[] => [...this.known.values()].filter((p) => isAlive(p));
    if (!alive().length) return this.removeCgroup();
    this.leftoversPending = true;
    for (const p of alive()) signalProcess(p, 'SIGTERM');
    const deadline = Date.now() + this.killGraceMs;
    while (alive().length && Date.now() < deadline) await delay(25);
    scan();
    for (const p of alive()) signalProcess(p, 'SIGKILL');
    await this.removeCgroup();
    this.leftoversPending = false;
  }

  /** Kills whatever is still in the task's cgroup, waits for the kernel to empty it, and removes it. */
  private async removeCgroup(): Promise<void> {
    if (!this.cgroup) return;
    this.cgroup.kill();
    await untilEmpty(this.cgroup.dir);
    this.cgroup.remove();
  }

  private failToStart(reason: string): void {
    if (!this.running) return;
    this.status = 'failed_to_start';
    this.failReason = reason;
    this.log.append(Buffer.from(`[tandem: failed to start: ${reason}]\n`));
    this.cgroup?.remove();
    void this.log.close();
    this.finish(Date.now());
  }

  private finish(at: number): void {
    if (this.endedAt !== undefined) return;
    this.resolvePid();
    clearTimeout(this.timer);
    this.endedAt = at;
    this.proc = undefined;
    this.resolveEnded();
    this.hooks.end(this);
  }
}

/** Linux refuses one argument or environment string over 128 KiB (MAX_ARG_STRLEN), and all of them over ~2 MiB. */
const MAX_ARG_STRLEN = 128 * 1024;
const MAX_ARGS_TOTAL = 2 * 1024 * 1024 - 64 * 1024;

export function overArgumentLimit(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): boolean {
  let total = 0;
  const count = (s: string): boolean => {
    const bytes = Buffer.byteLength(s) + 1;
    total += bytes + 8; // the string, its NUL and its pointer
    return bytes > MAX_ARG_STRLEN;
  };
  for (const arg of argv) if (count(arg)) return true;
  for (const [k, v] of Object.entries(env)) if (v !== undefined && count(`${k}=${v}`)) return true;
  return total > MAX_ARGS_TOTAL;
}

/** Why a spawn failed, in words a model can act on. */
export function spawnFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'E2BIG') {
    return 'the command and environment are over the system\'s argument-size limit (spawn E2BIG); '
      + 'write the long part to a file (a script, or data the command reads) and run that instead';
  }
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
