// Public types of the task engine: what a task is, how it ended, and what the model is told about it.
import type { LinePattern } from '../core/line-pattern.js';
import { oneLine } from '../core/text.js';

export type TaskStatus = 'running' | 'exited' | 'killed' | 'timed_out' | 'failed_to_start';
export type KilledBy = 'model' | 'user' | 'timeout' | 'shutdown';
export type Isolation = 'auto' | 'pid-namespace' | 'process-group';

/** A point-in-time copy of a task's state; never mutated after it is handed out. */
export interface TaskSnapshot {
  id: string;
  command: string;
  description?: string;
  status: TaskStatus;
  /** Set when the task's process exited on its own terms (also after a kill, if it exited rather than died). */
  exitCode?: number;
  /** For 'killed'/'timed_out': the strongest signal tandem had to send. Otherwise the signal that ended it. */
  signal?: string;
  killedBy?: KilledBy;
  failReason?: string;
  /** Epoch milliseconds. */
  startedAt: number;
  endedAt?: number;
  runtimeMs: number;
  /** Every byte the task wrote, including bytes past the disk cap. */
  outputBytes: number;
  logPath: string;
  tty: boolean;
  foreground: boolean;
  /** The engine-enforced timeout, if any. */
  timeoutMs?: number;
  /** Outlives tandem (background_run persistent: true). */
  persistent?: boolean;
  /** Set for a subagent task (agent-task.ts): its progress and, once ended, its final report. */
  agent?: AgentTaskInfo;
}

export interface AgentTaskInfo {
  /** The subagent type's name. */
  type: string;
  model?: string;
  /** Tool calls it has made so far. */
  toolCalls: number;
  /** The latest text it said. */
  lastText?: string;
  /** Its final report, once it has ended. */
  report?: string;
  /** Why it failed, when it did. */
  error?: string;
  /** Its own transcript (resumable). */
  transcriptPath?: string;
}

/**
 * Delivered once per ended background task (see TaskManager.drainNotices), and, with `matches`, for lines
 * that matched the task's notify_on pattern while it runs.
 */
export interface TaskNotice {
  task: TaskSnapshot;
  /** The last lines of output, cleaned and bounded ('' for a match notice). */
  tail: string;
  /** Set on a notify_on notice: the lines that matched (the task may still be running). */
  matches?: OutputMatches;
  /** A persistent task still running, found again by a resumed session: `tail` is its output since. */
  reattached?: boolean;
}

export interface OutputMatches {
  pattern: string;
  /** Matching lines shown, oldest first, each with the byte offset just past it. */
  lines: { line: string; end: number }[];
  /** Further matching lines folded into this notice (not shown: read the log). */
  folded: number;
  /** Output passed over unsearched because it came faster than the watcher reads. */
  skippedBytes: number;
  /** Offset past the last matching line, shown or folded. */
  lastEnd: number;
}

export interface TaskManagerOptions {
  cwd: string;
  /** Where `<id>.log` files go; choose a folder outside the workspace. */
  logDir: string;
  /** Where running-task records live so a later process can reap orphans. */
  registryDir: string;
  maxConcurrent?: number;
  maxLogBytes?: number;
  env?: NodeJS.ProcessEnv;
  shell?: string;
  isolation?: Isolation;
  killGraceMs?: number;
  /** Run every task inside this container (e.g. a sandbox) instead of under `isolation`. */
  container?: TaskContainer;
  /**
   * Start pipe tasks through the shared supervisor process (default true where perl exists): cheap forks,
   * output straight to the log files, persistent tasks. False spawns each task from this process.
   */
  supervisor?: boolean;
  /** Where persistent tasks' records go (one folder per session); without it persistent tasks are refused. */
  persistentDir?: string;
  /** Values (API keys) hidden as [REDACTED] in every task's log, even when a command prints them. */
  secrets?: readonly string[];
}

/** What a container is asked to run: `shell -c script ...args`, with `cwd` as working directory. */
export interface ContainerRun {
  shell: string;
  script: string;
  args: string[];
  cwd: string;
}

/**
 * A wrapper the engine runs each task's init shell in (tandem's --sandbox passes bubblewrap through it).
 * Contract: `argv` returns the complete argv (program first) that runs the ContainerRun inside the container,
 * in a PID namespace of its own whose processes all die when the spawned process dies, and exits with the
 * script's exit status. It may throw to refuse; start() then throws that error and no task is created.
 */
export interface TaskContainer {
  /** For logs and reports, e.g. "bubblewrap sandbox, no network". */
  detail: string;
  argv(run: ContainerRun): string[];
}

export interface StartOptions {
  command: string;
  description?: string;
  timeoutMs?: number;
  tty?: boolean;
  foreground?: boolean;
  /** Lines of output matching this pattern are noticed while the task runs (see notify-watch.ts). */
  notifyOn?: LinePattern;
  /** Keep it running after tandem ends (dev servers, watchers); a resumed session re-attaches to it. */
  persistent?: boolean;
}

export interface ReadOptions {
  /** Keep only lines matching this pattern (compileLinePattern for patterns from outside: linear time). */
  filter?: LinePattern;
  /** A filter stops scanning after this long, and says so (default FILTER_TIME_BUDGET_MS, 1 s). */
  filterBudgetMs?: number;
  /** Keep only the last N lines (after filtering). */
  tail?: number;
  maxChars?: number;
}

export interface WaitResult {
  done: TaskSnapshot[];
  pending: TaskSnapshot[];
  timedOut: boolean;
  interrupted: boolean;
}

/** Thrown by start() when maxConcurrent tasks are running; names them so the caller can choose one to end. */
export class TaskLimitError extends Error {
  override name = 'TaskLimitError';
  constructor(readonly limit: number, readonly running: TaskSnapshot[]) {
    const list = running.map((t) => `${t.id} (${oneLine(t.command, 60)})`);
    super(`${running.length} tasks are already running, the limit is ${limit}: ${list.join(', ')}. `
      + 'Wait for one to end or kill one before starting another.');
  }
}

/** Thrown for an id the manager does not know. */
export class UnknownTaskError extends Error {
  override name = 'UnknownTaskError';
  constructor(readonly taskId: string, known: string[]) {
    super(`There is no task "${taskId}". ${known.length ? `Known tasks: ${known.join(', ')}.` : 'No tasks have been started.'}`);
  }
}
