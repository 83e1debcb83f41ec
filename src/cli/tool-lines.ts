// One-line renderings of tool activity for people watching (stderr in print mode, the REPL's scrollback).
import { isCommandDetails, type CommandDetails, type ToolResult } from '../core/types.js';
import { cleanOutput, formatDuration, oneLine, plural, toolResultText } from '../core/text.js';

export function toolStartLine(name: string, summary: string): string {
  return `> ${name}${summary ? `: ${oneLine(summary, 100)}` : ''}`;
}

export function toolEndLine(name: string, result: ToolResult, durationMs: number): string {
  const text = cleanOutput(toolResultText(result.content));
  const lines = text ? text.split('\n') : [];
  const first = oneLine(lines[0] ?? '(no output)', 100);
  const more = lines.length > 1 ? ` (+${plural(lines.length - 1, 'line')})` : '';
  const mark = isCommandDetails(result.details) ? commandMark(result.details) : result.isError ? 'error' : 'ok';
  return `  ${mark} ${formatDuration(durationMs)}: ${first}${more}`;
}

/** How a command ended, from its typed details: "ok", "exit 1", "interrupted", "killed by SIGTERM", ... */
export function commandMark(d: CommandDetails): string {
  if (d.interrupted) return 'interrupted';
  if (d.backgroundedAs) return `moved to background (${d.backgroundedAs})`;
  if (d.timedOut) return 'timed out';
  if (d.signal) return `killed by ${d.signal}`;
  if (d.exitCode === 0) return 'ok';
  return d.exitCode === null ? 'ended' : `exit ${d.exitCode}`;
}

export { formatDuration };
