// Plain-text reports of tasks for tool results and UIs: one header line per task and a compact table.
import { formatDuration, oneLine } from '../core/text.js';
import { describeStatus } from './notices.js';
import type { TaskSnapshot } from './types.js';

/** "b3 (npm test): exited with code 1 after 12.4s" — running tasks say how long so far. */
export function taskHeadline(t: TaskSnapshot): string {
  const what = oneLine(t.description ?? t.command, 80);
  const runtime = t.status === 'running' ? '' : ` after ${formatDuration(t.runtimeMs)}`;
  return `${t.id} (${what}): ${describeStatus(t)}${runtime}`;
}

/** A fixed-width table: id, status, runtime, exit, command. */
export function taskTable(tasks: TaskSnapshot[]): string {
  const rows = tasks.map((t) => [
    t.id,
    t.status + (t.killedBy && t.status === 'killed' ? ` (${t.killedBy})` : ''),
    formatDuration(t.runtimeMs),
    t.exitCode !== undefined ? String(t.exitCode) : t.signal ?? '-',
    oneLine(t.command, 70) + (t.tty ? ' [tty]' : ''),
  ]);
  const header = ['id', 'status', 'runtime', 'exit', 'command'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [fmt(header), ...rows.map(fmt)].join('\n');
}
