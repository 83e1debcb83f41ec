// The input line's text and cursor, with the editing moves of a shell (readline/emacs keys). Pure functions
// over an immutable value, so every key is testable without a terminal.

export interface EditorState {
  text: string;
  /** Index into `text` (UTF-16 units), 0..text.length. */
  cursor: number;
}

export const emptyEditor: EditorState = { text: '', cursor: 0 };

export const editorOf = (text: string): EditorState => ({ text, cursor: text.length });

export function insert(s: EditorState, str: string): EditorState {
  return { text: s.text.slice(0, s.cursor) + str + s.text.slice(s.cursor), cursor: s.cursor + str.length };
}

export function backspace(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  const from = prevCharIndex(s.text, s.cursor);
  return { text: s.text.slice(0, from) + s.text.slice(s.cursor), cursor: from };
}

export function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  return { text: s.text.slice(0, s.cursor) + s.text.slice(nextCharIndex(s.text, s.cursor)), cursor: s.cursor };
}

export function left(s: EditorState): EditorState {
  return { ...s, cursor: prevCharIndex(s.text, s.cursor) };
}

export function right(s: EditorState): EditorState {
  return { ...s, cursor: nextCharIndex(s.text, s.cursor) };
}

/** Ctrl+A / Home: start of the current line (of a multi-line input). */
export function lineStart(s: EditorState): EditorState {
  return { ...s, cursor: s.text.lastIndexOf('\n', s.cursor - 1) + 1 };
}

/** Ctrl+E / End: end of the current line. */
export function lineEnd(s: EditorState): EditorState {
  const nl = s.text.indexOf('\n', s.cursor);
  return { ...s, cursor: nl < 0 ? s.text.length : nl };
}

/** Ctrl+U: deletes from the start of the line to the cursor (joins with the previous line at column 0). */
export function killToLineStart(s: EditorState): EditorState {
  const start = lineStart(s).cursor;
  const from = start === s.cursor && start > 0 ? start - 1 : start;
  return { text: s.text.slice(0, from) + s.text.slice(s.cursor), cursor: from };
}

/** Ctrl+K: deletes from the cursor to the end of the line (joins with the next line at the end). */
export function killToLineEnd(s: EditorState): EditorState {
  const end = lineEnd(s).cursor;
  const to = end === s.cursor && end < s.text.length ? end + 1 : end;
  return { text: s.text.slice(0, s.cursor) + s.text.slice(to), cursor: s.cursor };
}

/** Ctrl+W: deletes the whitespace-separated word before the cursor (readline's unix-word-rubout). */
export function deleteWordBefore(s: EditorState): EditorState {
  let i = s.cursor;
  while (i > 0 && /\s/.test(s.text[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(s.text[i - 1]!)) i--;
  return { text: s.text.slice(0, i) + s.text.slice(s.cursor), cursor: i };
}

/** Alt+D: deletes to the end of the next word. */
export function deleteWordAfter(s: EditorState): EditorState {
  const end = wordRight(s).cursor;
  return { text: s.text.slice(0, s.cursor) + s.text.slice(end), cursor: s.cursor };
}

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);

/** Alt+B / Ctrl+Left: to the start of the previous word (letters, digits, underscore). */
export function wordLeft(s: EditorState): EditorState {
  let i = s.cursor;
  while (i > 0 && !isWordChar(s.text[i - 1])) i--;
  while (i > 0 && isWordChar(s.text[i - 1])) i--;
  return { ...s, cursor: i };
}

/** Alt+F / Ctrl+Right: to the end of the next word. */
export function wordRight(s: EditorState): EditorState {
  let i = s.cursor;
  while (i < s.text.length && !isWordChar(s.text[i])) i++;
  while (i < s.text.length && isWordChar(s.text[i])) i++;
  return { ...s, cursor: i };
}

/** Up within a multi-line input, keeping the column; undefined on the first line (history takes over). */
export function up(s: EditorState): EditorState | undefined {
  const start = lineStart(s).cursor;
  if (start === 0) return undefined;
  const column = s.cursor - start;
  const prevStart = s.text.lastIndexOf('\n', start - 2) + 1;
  return { ...s, cursor: Math.min(prevStart + column, start - 1) };
}

/** Down within a multi-line input; undefined on the last line. */
export function down(s: EditorState): EditorState | undefined {
  const end = lineEnd(s).cursor;
  if (end >= s.text.length) return undefined;
  const column = s.cursor - lineStart(s).cursor;
  const nextEnd = lineEnd({ ...s, cursor: end + 1 }).cursor;
  return { ...s, cursor: Math.min(end + 1 + column, nextEnd) };
}

/** The line and column of the cursor, for drawing it. */
export function cursorPosition(s: EditorState): { line: number; column: number } {
  const before = s.text.slice(0, s.cursor);
  const line = before.split('\n').length - 1;
  return { line, column: s.cursor - (before.lastIndexOf('\n') + 1) };
}

function prevCharIndex(text: string, i: number): number {
  if (i <= 0) return 0;
  const code = text.charCodeAt(i - 1);
  return code >= 0xdc00 && code <= 0xdfff && i >= 2 ? i - 2 : i - 1;
}

function nextCharIndex(text: string, i: number): number {
  if (i >= text.length) return text.length;
  const code = text.charCodeAt(i);
  return code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? i + 2 : i + 1;
}
