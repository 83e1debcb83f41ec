// What a reader sees of a byte range of a task's output: bounded (head and tail of big ranges, with the
// log path to read more), cleaned (no ANSI, collapsed progress lines), optionally filtered or tailed.
import { StringDecoder } from 'node:string_decoder';
import { cleanOutput, collapseCarriageReturns, formatDuration, headTail, stripAnsi } from '../core/text.js';
import type { LinePattern } from '../core/line-pattern.js';
import type { TaskLog } from './external-log.js';
import type { RangePart } from './output-log.js';
import type { ReadOptions } from './types.js';

export const DEFAULT_MAX_CHARS = 10_000;
/** A filter looks at no more than the last this-many bytes of a range. */
export const FILTER_SCAN_BYTES = 16 * 1024 * 1024;
const SCAN_CHUNK = 1024 * 1024;
/** A filter stops scanning after this long (the event loop, and so signals, wait no longer than that). */
export const FILTER_TIME_BUDGET_MS = 1000;

/** Renders [start, end) of the log as text for a model. Empty string if there is nothing (after filtering). */
export function renderRange(log: TaskLog, start: number, end: number, opts: ReadOptions = {}): string {
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const hint = `full log: ${log.path}`;
  if (start >= end) return '';
  if (opts.filter) {
    const budgetMs = opts.filterBudgetMs ?? FILTER_TIME_BUDGET_MS;
    return renderFiltered(log, start, end, opts.filter, opts.tail, maxChars, hint, budgetMs);
  }
  if (opts.tail !== undefined) return renderTail(log, start, end, opts.tail, maxChars, hint);
  const size = end - start;
  // Bytes are at least as many as characters and cleaning only shortens text, so a range of up to twice the
  // budget is read whole and cut by characters; a bigger one is read as a head and a tail only.
  if (size <= maxChars * 2) return headTail(cleanOutput(decode(log.readRange(start, end))), maxChars, hint).text;
  const headBytes = Math.floor(maxChars * 0.4);
  const tailBytes = maxChars - headBytes;
  let head = decode(log.readRange(start, start + headBytes));
  let tail = decode(log.readRange(end - tailBytes, end));
  // Cut on line boundaries when there are any nearby, and count exactly what was left out.
  const headCut = head.lastIndexOf('\n');
  if (headCut > headBytes / 2) head = head.slice(0, headCut + 1);
  const tailCut = tail.indexOf('\n');
  if (tailCut >= 0 && tailCut < tailBytes / 2) tail = tail.slice(tailCut + 1);
  const elided = size - Buffer.byteLength(head) - Buffer.byteLength(tail);
  return `${cleanOutput(head)}\n[... ${elided} bytes elided; ${hint} ...]\n${cleanOutput(tail)}`;
}

/** The last `lines` lines of the range (reading back only as far as needed). */
function renderTail(log: TaskLog, start: number, end: number, lines: number, maxChars: number, hint: string): string {
  if (lines <= 0) return '';
  let from = end;
  let text = '';
  let reach = 64 * 1024;
  // Read back in growing steps until there are enough lines or the range (or a sane bound) is exhausted.
  while (from > start) {
    from = Math.max(start, end - reach);
    text = cleanOutput(decode(log.readRange(from, end)));
    if (countNewlines(text) > lines || reach >= FILTER_SCAN_BYTES) break;
    reach *= 4;
  }
  const all = text.split('\n');
  // The first line of a partial read may be cut; drop it unless the read reached the start.
  const usable = from > start ? all.slice(1) : all;
  return headTail(usable.slice(-lines).join('\n'), maxChars, hint).text;
}

function renderFiltered(
  log: TaskLog, start: number, end: number, filter: LinePattern, tail: number | undefined, maxChars: number, hint: string,
  budgetMs: number,
): string {
  // A caller's own RegExp may carry g or y, whose test() keeps state between lines.
  const re = filter instanceof RegExp ? new RegExp(filter.source, filter.flags.replace(/[gy]/g, '')) : filter;
  const deadline = Date.now() + budgetMs;
  let stoppedAt: number | undefined;
  const scanFrom = Math.max(start, end - FILTER_SCAN_BYTES);
  const matches: string[] = [];
  let chars = 0;
  let dropped = 0;
  let carry = '';
  const keep = (line: string): void => {
    let clean = line.includes('\x1b') ? stripAnsi(line) : line;
    if (clean.includes('\r')) clean = collapseCarriageReturns(clean);
    clean = clean.trimEnd();
    if (!re.test(clean)) return;
    matches.push(clean);
    chars += clean.length + 1;
    // Matches are kept as a rolling window: the newest survive when there are too many.
    while (chars > maxChars * 2 && matches.length > 1) {
      chars -= matches.shift()!.length + 1;
      dropped++;
    }
  };
  scan: for (let pos = scanFrom; pos < end; pos += SCAN_CHUNK) {
    const text = carry + decode(log.readRange(pos, Math.min(end, pos + SCAN_CHUNK)));
    const lines = text.split('\n');
    carry = lines.pop() ?? '';
    // A range that starts mid-log may start mid-line: skip that fragment.
    if (pos === scanFrom && scanFrom > start) lines.shift();
    for (let i = 0; i < lines.length; i++) {
      if (i % 256 === 0 && Date.now() >= deadline) {
        stoppedAt = pos;
        carry = '';
        break scan;
      }
      keep(lines[i]!);
    }
  }
  if (carry) keep(carry);
  let shown = tail !== undefined ? matches.slice(-Math.max(0, tail)) : matches;
  const notes: string[] = [];
  if (scanFrom > start) notes.push(`[filter applied to the last ${FILTER_SCAN_BYTES} of ${end - start} bytes; ${hint}]`);
  if (dropped && tail === undefined) notes.push(`[${dropped} earlier matching lines not shown]`);
  if (stoppedAt !== undefined) {
    notes.push(`[filter stopped after ${formatDuration(budgetMs)}, having searched about ${stoppedAt - scanFrom} of `
      + `${end - scanFrom} bytes; the rest was not searched: use a simpler pattern or tail, or read the log; ${hint}]`);
  }
  if (!shown.length) return notes.join('\n');
  shown = [...notes, ...shown];
  return headTail(shown.join('\n'), maxChars, hint).text;
}

export function decode(parts: RangePart[]): string {
  // One decoder across the parts: a character split between two stored chunks is decoded whole.
  const decoder = new StringDecoder('utf8');
  let out = '';
  for (const part of parts) {
    out += Buffer.isBuffer(part)
      ? decoder.write(part)
      : `${decoder.end()}\n[... ${part.missing} bytes were not kept (${part.why}) ...]\n`;
  }
  return out + decoder.end();
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The last `lines` lines / `maxChars` characters of the newest output, from memory (for notices). */
export function latestLines(log: TaskLog, lines: number, maxChars: number): string {
  const text = cleanOutput(log.latest(maxChars * 4).toString('utf8'));
  let cut = text.split('\n');
  if (log.totalBytes > maxChars * 4) cut = cut.slice(1);
  cut = cut.slice(-lines);
  const joined = cut.join('\n');
  return joined.length > maxChars ? `…${joined.slice(joined.length - maxChars + 1)}` : joined;
}

/**
 * Moves an end offset back so it does not split a UTF-8 character (at most 3 bytes back), so a cursor read
 * of a running task never shows half a character.
 */
export function utf8SafeEnd(log: TaskLog, start: number, end: number): number {
  if (end - start < 1) return end;
  const tailBytes = log.readRange(Math.max(start, end - 4), end);
  const buf = Buffer.concat(tailBytes.filter((p): p is Buffer => Buffer.isBuffer(p)));
  for (let back = 1; back <= Math.min(4, buf.length); back++) {
    const b = buf[buf.length - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? end - back : end;
  }
  return end;
}
