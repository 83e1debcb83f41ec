// Text shaping for what the model and the terminal see: bounded, free of terminal control codes.
import stripAnsiCodes from 'strip-ansi';
import type { ToolResultContent } from './types.js';

/** The text of a tool result; an image counts as `[image]`. */
export function toolResultText(content: ToolResultContent): string {
  if (typeof content === 'string') return content;
  return content.map((b) => (b.type === 'text' ? b.text : '[image]')).join('\n');
}

/** The content a tool_result block carries: never empty (the API refuses empty results). */
export function contentForModel(content: ToolResultContent): ToolResultContent {
  return (typeof content === 'string' ? content : content.length > 0) ? content : '(no output)';
}

/** Roughly what a result costs in context, in characters; an image counts as what ~1,500 tokens of text would. */
export function toolResultChars(content: ToolResultContent): number {
  if (typeof content === 'string') return content.length;
  return content.reduce((n, b) => n + (b.type === 'text' ? b.text.length : IMAGE_CHARS), 0);
}
const IMAGE_CHARS = 6_000;

/** Applies `f` to every text part of a tool result, leaving images as they are. */
export function mapToolResultText(content: ToolResultContent, f: (text: string) => string): ToolResultContent {
  if (typeof content === 'string') return f(content);
  return content.map((b) => (b.type === 'text' ? { ...b, text: f(b.text) } : b));
}

/** Removes ANSI escape sequences (colours, cursor moves) that mean nothing to a model. */
export function stripAnsi(text: string): string {
  return stripAnsiCodes(text);
}

/**
 * Collapses carriage-return progress lines ("10%\r20%\r30%\n" -> "30%\n"): keeps, for each line, only what
 * was written after its last lone CR. CRLF line ends are kept as plain LF.
 */
export function collapseCarriageReturns(text: string): string {
  if (!text.includes('\r')) return text;
  return text
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => {
      const cut = line.lastIndexOf('\r');
      if (cut < 0) return line;
      // A trailing CR (progress still being drawn) keeps the text before it.
      if (cut === line.length - 1) {
        const trimmed = line.slice(0, cut);
        const prev = trimmed.lastIndexOf('\r');
        return prev < 0 ? trimmed : trimmed.slice(prev + 1);
      }
      return line.slice(cut + 1);
    })
    .join('\n');
}

/** Output cleaned for a model: no ANSI, collapsed progress, no trailing blank space. */
export function cleanOutput(text: string): string {
  return collapseCarriageReturns(stripAnsi(text)).replace(/\s+$/, '');
}

export interface HeadTail { text: string; elidedChars: number }

/**
 * Bounds text to about `maxChars` by keeping its head and tail and eliding the middle on line boundaries
 * where possible. `hint` (e.g. where the full text lives) goes into the elision marker.
 */
export function headTail(text: string, maxChars: number, hint = ''): HeadTail {
  if (text.length <= maxChars) return { text, elidedChars: 0 };
  const headBudget = Math.floor(maxChars * 0.4);
  const tailBudget = maxChars - headBudget;
  let headEnd = text.lastIndexOf('\n', headBudget);
  if (headEnd < headBudget * 0.5) headEnd = headBudget;
  let tailStart = text.indexOf('\n', text.length - tailBudget);
  if (tailStart < 0 || tailStart > text.length - tailBudget * 0.5) tailStart = text.length - tailBudget;
  else tailStart += 1;
  const elided = tailStart - headEnd;
  const elidedLines = countLines(text.slice(headEnd, tailStart));
  const marker = `\n[... ${elided} characters (${plural(elidedLines, 'line')}) elided${hint ? `; ${hint}` : ''} ...]\n`;
  return { text: text.slice(0, headEnd) + marker + text.slice(tailStart), elidedChars: elided };
}

/** "1 line", "2 lines": a count with its noun. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function countLines(text: string): number {
  if (!text) return 0;
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}

/** One line, at most `max` characters, for progress displays. */
export function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** "850ms", "12.4s", "3m05s", "2h07m": a duration for people. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(1))}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
