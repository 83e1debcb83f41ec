// One-line renderings of tool activity for people watching (stderr in print mode, the REPL's scrollback).
import type { ToolResult } from '../core/types.js';
import { cleanOutput, oneLine } from '../core/text.js';

export function toolStartLine(name: string, summary: string): string {
  return `> ${name}${summary ? `: ${oneLine(summary, 100)}` : ''}`;
}

export function toolEndLine(name: string, result: ToolResult, durationMs: number): string {
  const text = cleanOutput(result.content);
  const lines = text ? text.split('\n') : [];
  const first = oneLine(lines[0] ?? '(no output)', 100);
  const more = lines.length > 1 ? ` (+${lines.length - 1} lines)` : '';
  const mark = result.isError ? 'error' : 'ok';
  return `  ${mark} ${formatDuration(durationMs)}: ${first}${more}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${Math.round((ms % 60_000) / 1000)}s`;
}
