// background_run's `notify_on`: lines of a task's output that match its pattern become a notice, without the
// model polling. Matches within BATCH_MS go out together; a task has at most one notice pending, and what
// arrives while it waits is folded into it (kept up to a bound, counted beyond), so a flood of matching lines
// costs the context one bounded notice per model call. Lines the model has read meanwhile are dropped.
import type { LinePattern } from '../core/line-pattern.js';
import { LineScanner, type LineMatch } from './line-scanner.js';
import type { TaskLog } from './external-log.js';
import type { OutputMatches, TaskNotice, TaskSnapshot } from './types.js';

export const BATCH_MS = 200;
export const NOTICE_MATCH_LINES = 20;
export const NOTICE_MATCH_CHARS = 2000;
const MAX_SHOWN_LINE = 400;
/** Without an output event (e.g. output that goes straight to a file), the log is looked at this often. */
const IDLE_SCAN_MS = 250;

export interface NotifyWatchHooks {
  snapshot(): TaskSnapshot;
  /** Queue the notice (once per batch; later matches update it in place until it is delivered). */
  queue(notice: TaskNotice): void;
  /** Take the queued notice back out (every line in it has been read by the model). */
  unqueue(notice: TaskNotice): void;
}

export class NotifyWatch {
  private readonly scanner: LineScanner;
  private pending?: TaskNotice & { matches: OutputMatches };
  private queued = false;
  private batchTimer?: NodeJS.Timeout;
  private scanScheduled = false;
  private readonly idleTimer: NodeJS.Timeout;
  private stopped = false;
  private lastSize: number;

  constructor(
    private readonly log: TaskLog, private readonly pattern: LinePattern, from: number,
    private readonly hooks: NotifyWatchHooks,
  ) {
    this.scanner = new LineScanner(log, pattern, from);
    this.lastSize = from;
    this.idleTimer = setInterval(() => {
      if (this.log.totalBytes !== this.lastSize) this.onOutput();
    }, IDLE_SCAN_MS);
    this.idleTimer.unref();
  }

  /** New output arrived: scan soon (many chunks in one tick cost one scan). */
  onOutput(): void {
    if (this.stopped || this.scanScheduled) return;
    this.scanScheduled = true;
    setImmediate(() => {
      this.scanScheduled = false;
      if (!this.stopped) this.scanOnce(false);
    });
  }

  /** The task ended: the last lines are tested and a pending batch is queued now, before the end notice. */
  finish(): void {
    if (this.stopped) return;
    for (;;) if (!this.scanOnce(true)) break;
    this.flush();
    this.stop();
  }

  /** The notice was handed to the model: the next match starts a new one. */
  delivered(): void {
    this.pending = undefined;
    this.queued = false;
    clearTimeout(this.batchTimer);
  }

  /** The model has read the output up to `cursor`: lines before it need no notice. */
  seen(cursor: number): void {
    const p = this.pending;
    if (!p) return;
    p.matches.lines = p.matches.lines.filter((m) => m.end > cursor);
    if (p.matches.lastEnd > cursor) return;
    // Everything in it (folded lines included) has been read.
    if (this.queued) this.hooks.unqueue(p);
    this.delivered();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.idleTimer);
    clearTimeout(this.batchTimer);
  }

  /** One bounded scan; true when more output waits. */
  private scanOnce(final: boolean): boolean {
    const { matches, skipped, more } = this.scanner.scan(final);
    this.lastSize = this.log.totalBytes;
    if (matches.length || skipped) this.add(matches, skipped);
    if (more && !final) this.onOutput();
    return more;
  }

  private add(matches: LineMatch[], skipped: number): void {
    if (!this.pending) {
      if (!matches.length) return;
      this.pending = {
        task: this.hooks.snapshot(), tail: '',
        matches: { pattern: this.pattern.source, lines: [], folded: 0, skippedBytes: 0, lastEnd: 0 },
      };
      this.batchTimer = setTimeout(() => this.flush(), BATCH_MS);
      this.batchTimer.unref();
    }
    const m = this.pending.matches;
    m.skippedBytes += skipped;
    let chars = m.lines.reduce((n, l) => n + l.line.length + 1, 0);
    for (const found of matches) {
      m.lastEnd = found.end;
      const match = found.line.length > MAX_SHOWN_LINE ? { ...found, line: `${found.line.slice(0, MAX_SHOWN_LINE - 1)}…` } : found;
      if (m.lines.length < NOTICE_MATCH_LINES && chars + match.line.length < NOTICE_MATCH_CHARS) {
        m.lines.push(match);
        chars += match.line.length + 1;
      } else {
        m.folded++;
      }
    }
    this.pending.task = this.hooks.snapshot();
  }

  private flush(): void {
    clearTimeout(this.batchTimer);
    if (!this.pending || this.queued) return;
    this.queued = true;
    this.hooks.queue(this.pending);
  }
}
