// Where the file tools read and write text. By default the disk; a front end may hand in other I/O, such as
// an editor's buffers over ACP (so the model sees unsaved edits and its writes land in the editor).
import type { LineWindow, LineWindowOptions } from '../workspace/line-window.js';

/** Either member may be absent or return undefined / false to fall back to the disk. */
export interface FileIO {
  /** The file's current text, or undefined to read it from disk. */
  readText?(abs: string): Promise<string | undefined>;
  /** Writes the file's whole text; resolves false to write it to disk instead. */
  writeText?(abs: string, text: string): Promise<boolean>;
}

/** The same window readLineWindow gives, from text in memory. */
export function windowOfText(text: string, o: Omit<LineWindowOptions, 'signal' | 'countAll'>): LineWindow {
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  const lines: LineWindow['lines'] = [];
  let chars = 0;
  let capped = false;
  for (let i = o.offset - 1; i < all.length && lines.length < o.limit; i++) {
    const full = all[i]!.replace(/\r$/, '');
    const line = full.length > o.maxLineChars ? { n: i + 1, text: full.slice(0, o.maxLineChars), fullChars: full.length } : { n: i + 1, text: full };
    if (lines.length && chars + line.text.length > o.maxChars) { capped = true; break; }
    chars += line.text.length + 1;
    lines.push(line);
  }
  const last = lines.at(-1)?.n ?? o.offset - 1;
  return { lines, total: all.length, more: last < all.length, capped };
}
