// A subagent as a task: no process, but the same life as one to the engine — an id, an output log (its
// progress: tool calls and what it says), an honest end (finished, failed, killed), one notice carrying its
// final report. The engine does not know what an agent is: it is handed a `run` function and an AbortSignal
// stops it.
import { OutputLog } from './output-log.js';
import type { AgentTaskInfo, KilledBy, TaskSnapshot, TaskStatus } from './types.js';

/** What the running subagent reports back to its task while it works. */
export interface AgentTaskControl {
  /** The task's id (a1, …). */
  id: string;
  /** Fires on kill_background, /kill, or shutdown: the run must stop promptly and resolve. */
  signal: AbortSignal;
  /** A tool call started (counted; its summary goes to the log). */
  toolCall(name: string, summary: string): void;
  /** Text the subagent said (the latest is shown by check_background; all of it goes to the log). */
  text(text: string): void;
}

export interface AgentTaskOutcome {
  /** The subagent's final report (its last answer). */
  report: string;
  /** Set when the run failed (model error, max turns, ...): what went wrong. */
  error?: string;
}

export interface AgentStartOptions {
  /** Shown in lists and notices: a few words from the caller. */
  description: string;
  /** The subagent type's name ("general-purpose", "explore", ...). */
  agentType: string;
  model?: string;
  /** Where its own transcript is kept, to resume it. */
  transcriptPath?: string;
  /** The caller waits for it (the agent tool's foreground run): no notice, unless it moves to the background. */
  foreground?: boolean;
  run(control: AgentTaskControl): Promise<AgentTaskOutcome>;
}

export interface AgentTaskHooks {
  output(task: AgentTask, chunk: Buffer): void;
  end(task: AgentTask): void;
}

export class AgentTask {
  readonly startedAt = Date.now();
  readonly log: OutputLog;
  readonly tty = false;
  /** Subagents end with tandem: they are never persistent. */
  readonly persistent = false;
  foreground = false;
  readonly pid: undefined;
  readonly ended: Promise<void>;
  status: TaskStatus = 'running';
  killedBy?: KilledBy;
  endedAt?: number;
  cursor = 0;
  endSeen = false;
  private toolCalls = 0;
  private lastText?: string;
  private report?: string;
  private error?: string;
  private readonly abort = new AbortController();
  private resolveEnded!: () => void;

  constructor(
    readonly id: string,
    private readonly opts: AgentStartOptions,
    logPath: string,
    maxLogBytes: number,
    private readonly hooks: AgentTaskHooks,
  ) {
    this.log = new OutputLog(logPath, maxLogBytes);
    this.foreground = opts.foreground ?? false;
    this.ended = new Promise((resolve) => { this.resolveEnded = resolve; });
  }

  get running(): boolean {
    return this.status === 'running';
  }

  /** An agent leaves no processes behind: it is live exactly while it runs. */
  get live(): boolean {
    return this.running;
  }

  /** What lists show in the command column. */
  get command(): string {
    return `agent ${this.opts.agentType}: ${this.opts.description}`;
  }

  launch(): void {
    const control: AgentTaskControl = {
      id: this.id,
      signal: this.abort.signal,
      toolCall: (name, summary) => {
        this.toolCalls++;
        this.append(`→ ${name}${summary ? ` ${summary}` : ''}\n`);
      },
      text: (text) => {
        if (!text.trim()) return;
        this.lastText = text;
        this.append(`${text.trimEnd()}\n`);
      },
    };
    let run: Promise<AgentTaskOutcome>;
    try {
      run = this.opts.run(control);
    } catch (err) {
      run = Promise.reject(err);
    }
    run.then(
      (outcome) => this.finish(outcome.report, outcome.error),
      (err: unknown) => this.finish('', err instanceof Error ? err.message : String(err)),
    );
  }

  snapshot(): TaskSnapshot {
    const agent: AgentTaskInfo = { type: this.opts.agentType, toolCalls: this.toolCalls };
    if (this.opts.model) agent.model = this.opts.model;
    if (this.lastText !== undefined) agent.lastText = this.lastText;
    if (this.report !== undefined) agent.report = this.report;
    if (this.error !== undefined) agent.error = this.error;
    if (this.opts.transcriptPath) agent.transcriptPath = this.opts.transcriptPath;
    const snap: TaskSnapshot = {
      id: this.id,
      command: this.command,
      description: this.opts.description,
      status: this.status,
      startedAt: this.startedAt,
      runtimeMs: (this.endedAt ?? Date.now()) - this.startedAt,
      outputBytes: this.log.totalBytes,
      logPath: this.log.path,
      tty: false,
      foreground: this.foreground,
      agent,
    };
    if (this.status === 'exited') snap.exitCode = this.error ? 1 : 0;
    if (this.killedBy) snap.killedBy = this.killedBy;
    if (this.endedAt !== undefined) snap.endedAt = this.endedAt;
    return snap;
  }

  /** Agents take no input while they run. */
  write(): boolean {
    return false;
  }

  /** Stops the subagent (its in-flight request and tools are aborted); resolves once it has ended. */
  kill(by: KilledBy): Promise<void> {
    if (!this.running) return this.ended;
    this.killedBy ??= by;
    this.abort.abort(new Error(`killed by ${by}`));
    return this.ended;
  }

  async settled(): Promise<void> {
    await this.ended;
  }

  /** For process exit: nothing to SIGKILL; stop the run and keep what the log has. */
  killSync(): void {
    this.abort.abort(new Error('tandem is exiting'));
    this.log.flushSync();
  }

  private append(text: string): void {
    const chunk = Buffer.from(text);
    this.log.append(chunk);
    this.hooks.output(this, chunk);
  }

  private finish(report: string, error: string | undefined): void {
    if (!this.running) return;
    this.report = report;
    if (this.killedBy) {
      this.status = 'killed';
    } else {
      this.status = 'exited';
      if (error) this.error = error;
    }
    if (error && !this.killedBy) this.append(`[agent failed: ${error}]\n`);
    if (report) this.append(`\n--- final report ---\n${report.trimEnd()}\n`);
    this.endedAt = Date.now();
    void this.log.close().finally(() => {
      this.resolveEnded();
      this.hooks.end(this);
    });
  }
}
