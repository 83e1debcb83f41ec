// Fitting text into the rows the live part of the screen may use: it must stay shorter than the terminal,
// or ink repaints the whole screen (and the scrollback with it) on every frame.
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/** The last `maxRows` screen rows of `text` wrapped at `width`. */
export function tailRows(text: string, width: number, maxRows: number): string[] {
  if (maxRows <= 0 || !text) return [];
  // Only the end can show: wrap no more than the last lines that could fill maxRows.
  const lines = text.split('\n').slice(-maxRows);
  const rows = wrapAnsi(lines.join('\n'), Math.max(1, width), { hard: true, trim: false }).split('\n');
  return rows.slice(-maxRows);
}

/** One row: cut with an ellipsis when wider than `width`. */
export function fitRow(text: string, width: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ');
  if (stringWidth(flat) <= width) return flat;
  let out = '';
  for (const ch of flat) {
    if (stringWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}
