// Streams a window of lines out of a file: lines before the window are only counted (no decoding), reading
// stops once the window is full unless a total line count is wanted, and no line is held in full.
import { createReadStream } from 'node:fs';

/** Which lines `readLineWindow` returns and how much of them. */
export interface LineWindowOptions {
  /** 1-based number of the first line wanted. */
  offset: number;
  /** Most lines to return. */
  limit: number;
  /** Longer lines are cut to this many characters. */
  maxLineChars: number;
  /** The window stops early once the lines' text would pass this many characters. */
  maxChars: number;
  /** Keep scanning after the window to count every line (costs a full read). */
  countAll: boolean;
  signal?: AbortSignal;
}

/** One line of the window; `fullChars` is set when `text` was cut and says how long the line really is. */
export interface WindowLine { n: number; text: string; fullChars?: number }

/** Lines of a file, numbered from 1; a final line without a newline counts, the empty "line" after a final newline does not. */
export interface LineWindow {
  lines: WindowLine[];
  /** Lines in the file: known when `countAll` was set or the scan reached the end anyway. */
  total?: number;
  /** True when lines follow the last one returned. */
  more: boolean;
  /** True when the window stopped early because of `maxChars`. */
  capped: boolean;
}

const NL = 0x0a;
const CR = 0x0d;

/** Reads the window; rejects with an AbortError when `signal` fires and with the fs error when reading fails. */
export async function readLineWindow(file: string, o: LineWindowOptions): Promise<LineWindow> {
  const stream = createReadStream(file, { highWaterMark: 1 << 16, signal: o.signal });
  const keepBytes = o.maxLineChars * 4 + 4; // enough bytes for maxLineChars characters of any width
  const lastWanted = o.offset + o.limit - 1;
  const lines: WindowLine[] = [];
  let lineNo = 1; // number of the line being scanned
  let partial = false; // bytes seen since the last newline
  let kept: Buffer[] = [];
  let keptBytes = 0;
  let overflowChars = 0; // characters of the current line beyond `kept`
  let usedChars = 0;
  let windowDone = false;
  let more = false;
  let capped = false;
  let first = true;
  let stoppedEarly = false;

  const keep = (bytes: Buffer): void => {
    const room = keepBytes - keptBytes;
    if (bytes.length <= room) {
      kept.push(bytes);
      keptBytes += bytes.length;
      return;
    }
    if (room > 0) kept.push(bytes.subarray(0, room));
    keptBytes += Math.max(room, 0);
    overflowChars += codePoints(bytes.subarray(Math.max(room, 0)));
  };

  const emit = (): void => {
    const line = finishLine(Buffer.concat(kept, keptBytes), overflowChars, o.maxLineChars, lineNo);
    kept = [];
    keptBytes = 0;
    overflowChars = 0;
    const cost = line.text.length + 10;
    if (lines.length > 0 && usedChars + cost > o.maxChars) {
      capped = true;
      windowDone = true;
      more = true;
      return;
    }
    usedChars += cost;
    lines.push(line);
  };

  outer: for await (const data of stream as AsyncIterable<Buffer>) {
    let chunk = data;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let pos = 0;
    while (pos < chunk.length) {
      if (windowDone) {
        more = true;
        if (!o.countAll) {
          stoppedEarly = true;
          break outer;
        }
        for (let nl = chunk.indexOf(NL, pos); nl >= 0; nl = chunk.indexOf(NL, nl + 1)) lineNo++;
        partial = chunk[chunk.length - 1] !== NL;
        break;
      }
      const nl = chunk.indexOf(NL, pos);
      const end = nl < 0 ? chunk.length : nl;
      if (lineNo >= o.offset && end > pos) keep(chunk.subarray(pos, end));
      if (nl < 0) {
        partial = true;
        break;
      }
      if (lineNo >= o.offset) emit();
      partial = false;
      lineNo++;
      pos = nl + 1;
      if (lineNo > lastWanted) windowDone = true;
    }
  }
  if (!windowDone && partial && lineNo >= o.offset) emit();
  const total = stoppedEarly ? undefined : lineNo - 1 + (partial ? 1 : 0);
  return { lines, total, more, capped };
}

function finishLine(bytes: Buffer, overflowChars: number, maxChars: number, n: number): WindowLine {
  if (overflowChars === 0) {
    const end = bytes.length && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    const text = bytes.toString('utf8', 0, end);
    if (text.length <= maxChars) return { n, text };
    return { n, text: cut(text, maxChars), fullChars: text.length };
  }
  return { n, text: cut(bytes.toString('utf8'), maxChars), fullChars: codePoints(bytes) + overflowChars };
}

/** The first `max` UTF-16 units of `text`, not splitting a surrogate pair. */
function cut(text: string, max: number): string {
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Characters in UTF-8 bytes: every byte that is not a continuation byte starts one. */
function codePoints(bytes: Buffer): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if ((bytes[i]! & 0xc0) !== 0x80) n++;
  return n;
}
