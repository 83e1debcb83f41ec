// One-line renderings of tool activity for people watching (stderr in print mode, the REPL's scrollback).
import type { ToolResult } from '../core/types.js';
import { cleanOutput, formatDuration, oneLine, plural, toolResultText } from '../core/text.js';

export function toolStartLine(name: string, summary: string): string {
  return `> ${name}${summary ? `: ${oneLine(summary, 100)}` : ''}`;
}

export function toolEndLine(name: string, result: ToolResult, durationMs: number): string {
  const text = cleanOutput(toolResultText(result.content));
  const lines = text ? text.split('\n') : [];
  const first = oneLine(lines[0] ?? '(no output)', 100);
  const more = lines.length > 1 ? ` (+${plural(lines.length - 1, 'line')})` : '';
  const mark = result.isError ? 'error' : 'ok';
  return `  ${mark} ${formatDuration(durationMs)}: ${first}${more}`;
}

export { formatDuration };
