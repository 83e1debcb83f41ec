// wait_background: blocks until background tasks end (any or all), a line of their new output matches
// `until`, something listens on `port`, the timeout passes or the user interrupts, then reports like
// check_background. Ends it reports are not repeated by a notice.
import { z } from 'zod';
import { formatDuration } from '../core/text.js';
import type { TaskManager } from '../tasks/task-manager.js';
import { waitUntil, type UntilResult } from '../tasks/wait-until.js';
import { CHECK_MAX_CHARS, parseFilter, reportTask } from './check-background.js';
import type { LinePattern } from '../core/line-pattern.js';
import { defineTool } from './tool.js';

const DESCRIPTION = `Wait for background tasks instead of polling or sleeping.
- mode "any" (default) returns when the first ends, "all" when all have, or at timeout_s (default 60, max 600); results as check_background.
- until (regex over new output lines) and/or port (something listens on it) return as soon as that happens, e.g. a dev server ready: until "Local:" or port 5173. The result says which condition fired, with the matching lines.
- If you have other work, do it instead: notices arrive by themselves.`;

export function createWaitBackgroundTool(manager: TaskManager) {
  const schema = z.object({
    task_ids: z.array(z.string()).optional().describe('Default: all running tasks.'),
    mode: z.enum(['any', 'all']).optional(),
    timeout_s: z.number().positive().max(600).optional(),
    until: z.string().min(1).optional().describe('Return when a new output line matches (RE2 syntax; (?i) ignores case).'),
    port: z.number().int().min(1).max(65535).optional().describe('Return when something listens on this TCP port.'),
  });
  return defineTool({
    name: 'wait_background',
    description: DESCRIPTION,
    schema,
    readOnly: true,
    summarize: (input) => `${input.task_ids?.join(', ') ?? 'all tasks'} (${input.mode ?? 'any'}`
      + `${input.until ? `, until /${input.until}/` : ''}${input.port ? `, port ${input.port}` : ''})`,
    async execute(input, ctx) {
      const mode = input.mode ?? 'any';
      const timeoutS = input.timeout_s ?? 60;
      const ids = input.task_ids?.length ? [...new Set(input.task_ids)] : undefined;
      const pattern = await parseFilter(input.until, 'until');
      const result = await waitUntil(manager, ids, mode, { pattern, port: input.port }, timeoutS * 1000, ctx.signal);
      const awaited = [...result.done, ...result.pending];
      if (!awaited.length) return 'No background tasks are running; there is nothing to wait for.';
      let headline = describeOutcome(result, input.until, input.port, timeoutS);
      if (pattern && !result.fired.includes('output')) headline += alreadySeen(manager, awaited.map((t) => t.id), pattern);
      const share = Math.max(2000, Math.floor(CHECK_MAX_CHARS * 1.5 / awaited.length));
      const sections = awaited.map((t) => reportTask(manager, t.id, { maxChars: share }));
      return [headline, ...sections].join('\n\n');
    },
  });
}

/** A line that matched before the wait (in output already shown): often why an `until` never fires. */
function alreadySeen(manager: TaskManager, ids: string[], pattern: LinePattern): string {
  for (const id of ids) {
    const line = manager.readAll(id, { filter: pattern, tail: 1, maxChars: 400, filterBudgetMs: 200 });
    if (line && !line.startsWith('[')) {
      return `\nNote: ${id} printed a matching line before this wait, in output already shown to you: ${line}`;
    }
  }
  return '';
}

function describeOutcome(result: UntilResult, until: string | undefined, port: number | undefined, timeoutS: number): string {
  const lines: string[] = [];
  if (result.fired.includes('output')) {
    for (const m of result.matches) {
      lines.push(`Condition met: output of ${m.id} matched /${until}/:`, ...m.lines.map((l) => `  ${l}`));
      if (m.more) lines.push(`  (${m.more} more matching lines)`);
    }
  }
  if (result.fired.includes('port')) lines.push(`Condition met: something is listening on port ${port}.`);
  const running = result.pending.map((t) => t.id).join(', ');
  if (result.fired.length) {
    if (result.done.length) lines.push(`Ended: ${result.done.map((t) => t.id).join(', ')}.`);
    if (running) lines.push(`Still running: ${running}.`);
    return lines.join('\n');
  }
  const unmet = [until && `no new line matched /${until}/`, port && `nothing listens on port ${port}`].filter(Boolean).join(' and ');
  const note = unmet ? ` (${unmet})` : '';
  if (result.interrupted) return `Waiting was interrupted by the user${note}.`;
  if (result.timedOut) return `Still waiting after ${formatDuration(timeoutS * 1000)}${note}; running: ${running}.`;
  // Neither timed out nor interrupted, no condition: at least one awaited task has ended.
  return `Ended: ${result.done.map((t) => t.id).join(', ')}${note}.` + (running ? ` Still running: ${running}.` : '');
}
