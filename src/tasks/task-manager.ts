// The task engine: starts commands as tasks, keeps their output, reports their ends exactly once, and makes
// sure nothing they started outlives them or tandem. A library: it knows nothing of tools or the agent loop.
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  buildArgv, containerIsolation, prepareIsolation, resolveIsolation, resolveShell, type ResolvedIsolation,
} from './isolation.js';
import { cgroupRoot, removeOwnCgroup, sweepDeadCgroups, TaskCgroup } from './cgroup.js';
import { LineScanner } from './line-scanner.js';
import { NotifyWatch } from './notify-watch.js';
import { latestLines, renderRange, utf8SafeEnd } from './output-view.js';
import { TaskRegistry, reapOrphans } from './registry.js';
import { waitUntilRunning } from './startup.js';
import { sharedSupervisor, type Supervisor } from './supervisor.js';
import { PersistentStore } from './persistent.js';
import { Task, type TaskHooks } from './task.js';
import { AgentTask, type AgentStartOptions } from './agent-task.js';
import type { LinePattern } from '../core/line-pattern.js';
import {
  TaskLimitError, UnknownTaskError, type Isolation, type KilledBy, type ReadOptions, type StartOptions,
  type TaskContainer, type TaskManagerOptions, type TaskNotice, type TaskSnapshot, type WaitResult,
} from './types.js';

export const NOTICE_TAIL_LINES = 20;
/** The isolation the supervisor can set up itself, saving three execs per start (see native_namespace). */
const NATIVE_PREFIX = 'setpriv --pdeathsig KILL unshare --pid --fork --kill-child';
export const NOTICE_TAIL_CHARS = 2000;

export interface TaskManagerEvents {
  /** A task-ended notice was queued: an idle agent may want to wake up and drain it. */
  notice: [notice: TaskNotice];
  /** A notify_on notice (lines that matched, task still running) was queued: also worth waking up for. */
  matched: [notice: TaskNotice];
  output: [id: string, chunk: Buffer];
  start: [task: TaskSnapshot];
  end: [task: TaskSnapshot];
  /** A foreground task became a background one (its waiter should stop waiting). */
  backgrounded: [task: TaskSnapshot];
}

export class TaskManager extends EventEmitter<TaskManagerEvents> {
  readonly cwd: string;
  readonly logDir: string;
  readonly maxConcurrent: number;
  readonly maxLogBytes: number;
  readonly killGraceMs: number;
  private readonly env: NodeJS.ProcessEnv;
  private readonly shell: string;
  private readonly requestedIsolation: Isolation;
  private readonly container?: TaskContainer;
  private iso?: ResolvedIsolation;
  private readonly tasks = new Map<string, Task | AgentTask>();
  private readonly registry: TaskRegistry;
  private notices: TaskNotice[] = [];
  /** notify_on watchers of running tasks. */
  private readonly watches = new Map<string, NotifyWatch>();
  private bgSeq = 0;
  private fgSeq = 0;
  private agentSeq = 0;
  private closed = false;
  private logDirReady = false;
  private readonly useSupervisor: boolean;
  private readonly persistentStore?: PersistentStore;
  private readonly sessionId: string;
  private readonly secrets: readonly string[];

  constructor(opts: TaskManagerOptions) {
    super();
    this.setMaxListeners(0);
    this.cwd = opts.cwd;
    this.logDir = opts.logDir;
    this.maxConcurrent = opts.maxConcurrent ?? 32;
    this.maxLogBytes = opts.maxLogBytes ?? 1024 ** 3;
    this.killGraceMs = opts.killGraceMs ?? 2000;
    this.env = opts.env ?? process.env;
    this.shell = resolveShell(opts.shell);
    this.requestedIsolation = opts.isolation ?? 'auto';
    this.container = opts.container;
    this.registry = new TaskRegistry(opts.registryDir);
    this.useSupervisor = opts.supervisor ?? true;
    this.secrets = opts.secrets ?? [];
    if (opts.persistentDir) this.persistentStore = new PersistentStore(opts.persistentDir);
    this.sessionId = opts.persistentDir ? basename(opts.persistentDir) : '';
  }

  /** Kills what dead tandem processes left running (see registry.ts); returns what it did, one line each. */
  static async reapOrphans(registryDir: string): Promise<string[]> {
    // The records first: their lines name the tasks' commands; the cgroups then catch what escaped the group walk.
    const records = await reapOrphans(registryDir);
    return [...records, ...await sweepDeadCgroups()];
  }

  /** The isolation in use (probed on first use; the container, when there is one). */
  get isolation(): ResolvedIsolation {
    if (this.iso) return this.iso;
    const iso = this.container ? containerIsolation(this.container) : resolveIsolation(this.requestedIsolation, this.shell);
    const cgroups = iso.mode === 'process-group' && !iso.container ? cgroupRoot() : undefined;
    // (What dead tandems left in their cgroups, reapOrphans sweeps, as it does their records.)
    this.iso = cgroups ? { ...iso, detail: `${iso.detail}, every process found by its cgroup v2 (${cgroups.parent})` } : iso;
    return this.iso;
  }

  /**
   * Probes the isolation in the background (child processes, not spawnSync), so that the first start() finds
   * it ready instead of blocking on the probes. Optional; never rejects.
   */
  prepare(): Promise<void> {
    if (this.iso || this.container) return Promise.resolve();
    return prepareIsolation(this.requestedIsolation, this.shell);
  }

  /** Starts a task. Throws TaskLimitError when maxConcurrent tasks are running, or what a container throws. */
  start(opts: StartOptions): TaskSnapshot {
    if (this.closed) throw new Error('The task manager has shut down.');
    this.checkCap(opts.foreground);
    this.ensureLogDir();
    const iso = this.isolation;
    const supervisor = opts.tty ? undefined : this.supervisor(iso);
    if (opts.persistent) {
      if (opts.tty) throw new Error('A persistent task cannot have a terminal (tty): it must run on with nobody attached.');
      if (!this.persistentStore) throw new Error('Persistent tasks are not available here (no place to record them).');
      if (!supervisor) throw new Error('Persistent tasks need perl (the task supervisor), which is not installed here.');
    }
    // Before the task exists: a container that refuses the command leaves no trace.
    const native = !!supervisor?.nativeNamespaces && iso.mode === 'pid-namespace' && !iso.container
      && iso.prefix.join(' ') === NATIVE_PREFIX;
    const containerArgv = iso.container ? buildArgv(iso, this.shell, opts.command, this.cwd) : undefined;
    // Background tasks are b1, b2, …; the bash tool's foreground commands f1, f2, … (an id never changes).
    const id = opts.foreground ? `f${++this.fgSeq}` : `b${++this.bgSeq}`;
    // Persistent tasks outlive tandem, so they stay out of its cgroups (a sweep would kill them).
    const cgroup = iso.mode === 'process-group' && !iso.container && !opts.persistent && cgroupRoot()
      ? TaskCgroup.create(`${id}-${basename(this.logDir)}-${Date.now().toString(36)}`) : undefined;
    const argv = containerArgv ?? (native ? [this.shell, opts.command]
      : buildArgv(iso, this.shell, opts.command, this.cwd, cgroup?.procsFile));
    const task = new Task({
      id,
      command: opts.command,
      description: opts.description,
      tty: opts.tty ?? false,
      foreground: opts.foreground ?? false,
      timeoutMs: opts.timeoutMs,
      logPath: join(this.logDir, `${id}.log`),
      maxLogBytes: this.maxLogBytes,
      killGraceMs: this.killGraceMs,
      supervisor,
      persistent: opts.persistent,
      nativeNamespace: native,
      secrets: this.secrets,
      cgroup,
    }, this.hooks(iso));
    this.tasks.set(id, task);
    if (opts.notifyOn) this.watchOutput(task, opts.notifyOn);
    // Before launching, so that listeners see 'start' before an immediate failure's 'end'.
    this.emit('start', task.snapshot());
    task.launch(
      { argv, cwd: this.cwd, env: this.env, isolation: iso },
      () => void this.kill(id, 'timeout'),
    );
    return task.snapshot();
  }

  private hooks(iso: ResolvedIsolation): TaskHooks {
    return {
      output: (t, chunk) => {
        this.watches.get(t.id)?.onOutput();
        this.emit('output', t.id, chunk);
      },
      grew: (t, from, to) => {
        this.watches.get(t.id)?.onOutput();
        // Nothing reads the bytes unless someone listens (the bash tool's progress lines).
        if (!this.listenerCount('output')) return;
        const parts = t.log.readRange(from, to).filter((p): p is Buffer => Buffer.isBuffer(p));
        if (parts.length) this.emit('output', t.id, parts.length === 1 ? parts[0]! : Buffer.concat(parts));
      },
      launched: (t) => {
        if (!t.running || t.pid === undefined) return;
        if (t.persistent) {
          this.savePersistent(t);
          return;
        }
        this.registry.add({
          taskId: t.id, pid: t.pid, pgid: t.pid, pidStartTime: t.pidStartTime, startedAt: t.startedAt,
          command: t.command, isolation: iso.mode, token: t.token,
        });
      },
      end: (t) => this.onEnd(t),
    };
  }

  /**
   * Re-attaches to the persistent tasks an earlier tandem left for this session: those that ended meanwhile
   * get their notice (with the real exit status), those still running a notice with their output since.
   */
  adopt(): TaskSnapshot[] {
    if (!this.persistentStore) return [];
    const found: TaskSnapshot[] = [];
    for (const rec of this.persistentStore.list()) {
      if (this.tasks.has(rec.taskId)) continue;
      const n = Number(rec.taskId.slice(1));
      if (rec.taskId.startsWith('b') && n > this.bgSeq) this.bgSeq = n;
      const iso: ResolvedIsolation = { mode: rec.isolation, prefix: [], detail: rec.isolation };
      const task = new Task({
        id: rec.taskId, command: rec.command, description: rec.description, tty: false, foreground: false,
        logPath: rec.logPath, maxLogBytes: this.maxLogBytes, killGraceMs: this.killGraceMs,
        persistent: true, adopted: true, startedAt: rec.startedAt,
      }, this.hooks(iso));
      this.tasks.set(task.id, task);
      this.emit('start', task.snapshot());
      const ended = task.adopt(rec, iso, rec.killedBy);
      if (!ended) {
        const tail = this.readNew(task.id, { maxChars: NOTICE_TAIL_CHARS });
        const notice: TaskNotice = { task: task.snapshot(), tail, reattached: true };
        this.notices.push(notice);
        this.emit('notice', notice);
        this.savePersistent(task);
      }
      found.push(task.snapshot());
    }
    return found;
  }

  private savePersistent(t: Task): void {
    if (t.pid === undefined) return;
    this.persistentStore?.save({
      taskId: t.id, sessionId: this.sessionId, command: t.command, description: t.description, cwd: this.cwd,
      startedAt: t.startedAt, logPath: t.log.path, pid: t.pid, pidStartTime: t.pidStartTime, token: t.token,
      isolation: t.isolationMode ?? this.isolation.mode, cursor: t.cursor,
    });
  }

  /**
   * The cap is for background tasks, commands and agents alike: a foreground one (often what lets the others
   * end) still runs.
   */
  private checkCap(foreground: boolean | undefined): void {
    if (foreground) return;
    const running = this.runningTasks().filter((t) => !t.foreground);
    if (running.length >= this.maxConcurrent) throw new TaskLimitError(this.maxConcurrent, running.map((t) => t.snapshot()));
  }

  /**
   * Starts a subagent as a task (a1, a2, …; see agent-task.ts): listed, checked, awaited, killed and noticed like
   * any other, and counted by the concurrency cap.
   */
  startAgent(opts: AgentStartOptions): TaskSnapshot {
    if (this.closed) throw new Error('The task manager has shut down.');
    this.checkCap(opts.foreground);
    this.ensureLogDir();
    const id = `a${++this.agentSeq}`;
    const task = new AgentTask(id, opts, join(this.logDir, `${id}.log`), this.maxLogBytes, {
      output: (t, chunk) => this.emit('output', t.id, chunk),
      end: (t) => this.onEnd(t),
    });
    this.tasks.set(id, task);
    this.emit('start', task.snapshot());
    task.launch();
    return task.snapshot();
  }

  /**
   * Resolves as soon as the task ends or is clearly running (its program has lived a little while), or after
   * `ms` at most: immediate failures are reported, without a fixed wait (see startup.ts).
   */
  async waitForStartup(id: string, ms = 200): Promise<TaskSnapshot> {
    const task = this.task(id);
    await waitUntilRunning(task, ms, this.shell);
    return task.snapshot();
  }

  get(id: string): TaskSnapshot | undefined {
    return this.tasks.get(id)?.snapshot();
  }

  list(): TaskSnapshot[] {
    return [...this.tasks.values()].map((t) => t.snapshot());
  }

  /** Output since this task's cursor, bounded and cleaned; advances the cursor. '' if there is none. */
  readNew(id: string, opts: ReadOptions = {}): string {
    const task = this.task(id);
    const start = task.cursor;
    const end = task.running ? utf8SafeEnd(task.log, start, task.log.totalBytes) : task.log.totalBytes;
    task.cursor = end;
    this.watches.get(id)?.seen(end);
    return renderRange(task.log, start, end, opts);
  }

  /** A bounded view of all output so far (does not move the cursor). */
  readAll(id: string, opts: ReadOptions = {}): string {
    const task = this.task(id);
    return renderRange(task.log, 0, task.log.totalBytes, opts);
  }

  /**
   * Waits, without polling, until any / all of the tasks have ended, the timeout passes or the signal fires.
   * Without ids: the running background tasks (not persistent ones, which are meant to run on) plus ended ones
   * whose end the model has not seen.
   */
  wait(ids: string[] | undefined, mode: 'any' | 'all', timeoutMs: number, signal?: AbortSignal): Promise<WaitResult> {
    const targets = ids
      ? ids.map((id) => this.task(id))
      : [...this.tasks.values()].filter((t) => !t.foreground && (t.running ? !t.persistent : !t.endSeen));
    const result = (timedOut: boolean, interrupted: boolean): WaitResult => ({
      done: targets.filter((t) => !t.running).map((t) => t.snapshot()),
      pending: targets.filter((t) => t.running).map((t) => t.snapshot()),
      timedOut,
      interrupted,
    });
    const satisfied = (): boolean => {
      const ended = targets.filter((t) => !t.running).length;
      return targets.length === 0 || (mode === 'any' ? ended > 0 : ended === targets.length);
    };
    if (satisfied()) return Promise.resolve(result(false, false));
    if (signal?.aborted) return Promise.resolve(result(false, true));
    return new Promise((resolve) => {
      const finish = (timedOut: boolean, interrupted: boolean): void => {
        clearTimeout(timer);
        this.off('end', onEnd);
        signal?.removeEventListener('abort', onAbort);
        resolve(result(timedOut, interrupted));
      };
      const onEnd = (): void => {
        if (satisfied()) finish(false, false);
      };
      const onAbort = (): void => finish(false, true);
      const timer = setTimeout(() => finish(true, false), timeoutMs);
      this.on('end', onEnd);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Ends the task: SIGTERM to all its processes, SIGKILL after killGraceMs. Resolves once it has ended. */
  async kill(id: string, by: KilledBy): Promise<TaskSnapshot> {
    const task = this.task(id);
    await task.kill(by);
    return task.snapshot();
  }

  async killAll(by: KilledBy): Promise<TaskSnapshot[]> {
    // At shutdown, persistent tasks are left running: that is what they are for.
    const running = this.runningTasks().filter((t) => by !== 'shutdown' || !t.persistent);
    return Promise.all(running.map((t) => t.kill(by).then(() => t.snapshot())));
  }

  /** Sends input to the task's stdin (or terminal). Throws if the task has ended. */
  write(id: string, input: string, closeStdin = false): number {
    const task = this.task(id);
    if (!task.running || !task.write(input, closeStdin)) {
      throw new Error(`Task ${id} is no longer running, so it cannot take input.`);
    }
    return Buffer.byteLength(input);
  }

  /** A foreground task becomes a background one: its end will produce a notice. */
  background(id: string): TaskSnapshot {
    const task = this.task(id);
    const moved = task.running && task.foreground;
    if (task.running) task.foreground = false;
    const snap = task.snapshot();
    if (moved) this.emit('backgrounded', snap);
    return snap;
  }

  /** The model has seen this task's end in a tool result: drop its queued notice (exactly once). */
  acknowledge(id: string): void {
    const task = this.tasks.get(id);
    if (!task || task.running) return;
    task.endSeen = true;
    this.notices = this.notices.filter((n) => n.task.id !== id || n.matches);
    if (task.persistent) this.persistentStore?.remove(id);
  }

  /** Every queued notice, each handed out once. */
  drainNotices(): TaskNotice[] {
    const out = this.notices;
    this.notices = [];
    for (const n of out) {
      if (n.matches) {
        this.watches.get(n.task.id)?.delivered();
        continue;
      }
      if (n.reattached) continue;
      const task = this.tasks.get(n.task.id)!;
      task.endSeen = true;
      // The model knows how it ended: nothing is left to tell a later session.
      if (task.persistent) this.persistentStore?.remove(task.id);
    }
    return out;
  }

  /** How many notices are queued, without draining them. */
  pendingNotices(): number {
    return this.notices.length;
  }

  /**
   * Kills every task (by 'shutdown'), waits for their logs to flush and for leftovers of ended ones to be
   * killed, and removes their records. No task can be started after it.
   */
  async shutdown(): Promise<void> {
    this.closed = true;
    await this.killAll('shutdown');
    this.releasePersistent();
    for (const t of this.tasks.values()) if (t instanceof Task) t.release();
    await Promise.all([...this.tasks.values()].filter((t) => !(t.persistent && t.running)).map((t) => t.settled()));
    removeOwnCgroup();
  }

  /** Running persistent tasks (they go on after tandem: a later session re-attaches). */
  persistentRunning(): TaskSnapshot[] {
    return this.runningTasks().filter((t) => t.persistent).map((t) => t.snapshot());
  }

  /** Persistent tasks stay; their records keep what the model has seen of their output. */
  private releasePersistent(): void {
    for (const t of this.runningTasks()) if (t.persistent) this.savePersistent(t);
  }

  /** Synchronous SIGKILL of every task's processes, for process.on('exit'). */
  killAllSync(): void {
    this.releasePersistent();
    for (const task of this.tasks.values()) {
      if (!task.live || (task.persistent && task.running)) continue;
      task.killSync();
      this.registry.remove(task.id);
    }
  }

  /** The supervisor that starts pipe tasks, unless this manager spawns them itself (option, or no perl). */
  private supervisor(iso: ResolvedIsolation): Supervisor | undefined {
    if (!this.useSupervisor) return undefined;
    // It dies with tandem as the wrappers did (setpriv --pdeathsig), and when tandem closes its pipe.
    const pdeath = iso.prefix[0] === 'setpriv' ? iso.prefix.slice(0, 3) : [];
    return sharedSupervisor(pdeath);
  }

  /**
   * A scanner of the task's output lines from `from` (default: what the model has not read yet) on, for
   * conditions such as wait_background's `until`.
   */
  scanLines(id: string, pattern: LinePattern, from?: number): { scan(): ReturnType<LineScanner['scan']> } {
    const task = this.task(id);
    const scanner = new LineScanner(task.log, pattern, from ?? task.cursor);
    return { scan: () => scanner.scan(!task.running) };
  }

  private watchOutput(task: Task, pattern: LinePattern): void {
    const watch = new NotifyWatch(task.log, pattern, 0, {
      snapshot: () => task.snapshot(),
      queue: (notice) => {
        this.notices.push(notice);
        this.emit('matched', notice);
      },
      unqueue: (notice) => { this.notices = this.notices.filter((n) => n !== notice); },
    });
    this.watches.set(task.id, watch);
  }

  private ensureLogDir(): void {
    if (this.logDirReady) return;
    mkdirSync(this.logDir, { recursive: true });
    this.logDirReady = true;
  }

  private runningTasks(): (Task | AgentTask)[] {
    return [...this.tasks.values()].filter((t) => t.running);
  }

  private task(id: string): Task | AgentTask {
    const task = this.tasks.get(id);
    if (!task) throw new UnknownTaskError(id, [...this.tasks.keys()]);
    return task;
  }

  private onEnd(task: Task | AgentTask): void {
    this.registry.remove(task.id);
    // Lines that matched notify_on are told before the end (a pending batch is queued now).
    this.watches.get(task.id)?.finish();
    const snap = task.snapshot();
    if (!task.foreground && !task.endSeen && task.killedBy !== 'shutdown') {
      const notice: TaskNotice = { task: snap, tail: latestLines(task.log, NOTICE_TAIL_LINES, NOTICE_TAIL_CHARS) };
      this.notices.push(notice);
      this.emit('notice', notice);
    }
    this.emit('end', snap);
  }
}
