// Reads a task's output as lines as it grows, from a byte offset on, and tests each complete line against a
// pattern: what wait_background's `until` and background_run's `notify_on` watch. Work per call is bounded: a
// flood is searched in its latest part and the bytes passed over are counted, never silently dropped.
import type { LinePattern } from '../core/line-pattern.js';
import { collapseCarriageReturns, stripAnsi } from '../core/text.js';
import type { TaskLog } from './external-log.js';
import { utf8SafeEnd } from './output-view.js';

/** One scan reads at most this much; past it, the rest waits for the next scan (the caller schedules one). */
export const SCAN_STEP_BYTES = 1024 * 1024;
/** A backlog bigger than this is skipped down to its latest SCAN_STEP_BYTES (output outran the watcher). */
export const SCAN_BACKLOG_BYTES = 8 * SCAN_STEP_BYTES;
/** A line longer than this is tested on its first this-many bytes. */
const MAX_LINE_BYTES = 64 * 1024;

export interface LineMatch {
  /** The line, cleaned (no ANSI, progress redraws collapsed, no trailing space). */
  line: string;
  /** Byte offset just past the line in the task's output. */
  end: number;
}

export interface ScanResult {
  matches: LineMatch[];
  /** Bytes passed over unsearched in this scan (a flood's backlog). */
  skipped: number;
  /** True when output is left for another scan. */
  more: boolean;
}

export class LineScanner {
  private pos: number;
  private carry = Buffer.alloc(0);

  constructor(private readonly log: TaskLog, private readonly pattern: LinePattern, from: number) {
    this.pos = from;
  }

  /** Tests the complete lines that arrived since the last scan; `final` also tests a last unterminated line. */
  scan(final = false): ScanResult {
    const total = this.log.totalBytes;
    let skipped = 0;
    if (total - this.pos > SCAN_BACKLOG_BYTES) {
      const to = total - SCAN_STEP_BYTES;
      skipped = to - this.pos + this.carry.length;
      this.pos = to;
      this.carry = Buffer.alloc(0);
      // The first line after a jump may be a fragment: it is tested like any other (it is real output).
    }
    let end = Math.min(total, this.pos + SCAN_STEP_BYTES);
    const more = end < total;
    if (!final || more) end = utf8SafeEnd(this.log, this.pos, end);
    const bytes = this.read(this.pos, end);
    const matches: LineMatch[] = [];
    let lineStart = 0;
    // A newline is never in the carry, so a newline at buf[i] is output byte pos + i - carry.length.
    const base = this.pos - this.carry.length;
    const buf = this.carry.length ? Buffer.concat([this.carry, bytes]) : bytes;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, lineStart)) {
      this.test(buf.subarray(lineStart, nl), base + nl + 1, matches);
      lineStart = nl + 1;
    }
    // An overlong line keeps only its head (what the test looks at), however long it grows.
    let rest = buf.subarray(lineStart, lineStart + MAX_LINE_BYTES);
    this.pos = end;
    if (final && !more && rest.length) {
      this.test(rest, end, matches);
      rest = Buffer.alloc(0);
    }
    // Keep the unterminated tail (copied: `buf` may be a big read) for the next scan.
    this.carry = Buffer.from(rest);
    return { matches, skipped, more };
  }

  private test(raw: Buffer, end: number, into: LineMatch[]): void {
    const line = cleanLine(raw.subarray(0, MAX_LINE_BYTES).toString('utf8'));
    if (line && this.pattern.test(line)) into.push({ line, end });
  }

  private read(start: number, end: number): Buffer {
    const parts = this.log.readRange(start, end);
    const bufs = parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(`\n[${p.missing} bytes not kept (${p.why})]\n`)));
    return bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs);
  }
}

/** A line as a reader sees it: no ANSI, a progress line's last state, no trailing space. */
export function cleanLine(text: string): string {
  let clean = text.includes('\x1b') ? stripAnsi(text) : text;
  if (clean.includes('\r')) clean = collapseCarriageReturns(clean);
  return clean.trimEnd();
}
