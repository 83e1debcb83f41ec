// wait_background: blocks until background tasks end (any or all), the timeout passes or the user
// interrupts, then reports like check_background. Ends it reports are not repeated by a notice.
import { z } from 'zod';
import { formatDuration } from '../core/text.js';
import type { TaskManager } from '../tasks/task-manager.js';
import { CHECK_MAX_CHARS, reportTask } from './check-background.js';
import { defineTool } from './tool.js';

const DESCRIPTION = `Wait for background tasks to end instead of polling or sleeping.
- mode "any" (default) returns when the first ends, "all" when all have, or at timeout_s (default 60, max 600); results as check_background.
- If you have other work, do it instead: notices arrive by themselves.`;

export function createWaitBackgroundTool(manager: TaskManager) {
  const schema = z.object({
    task_ids: z.array(z.string()).optional().describe('Default: all running tasks.'),
    mode: z.enum(['any', 'all']).optional(),
    timeout_s: z.number().positive().max(600).optional(),
  });
  return defineTool({
    name: 'wait_background',
    description: DESCRIPTION,
    schema,
    readOnly: true,
    summarize: (input) => `${input.task_ids?.join(', ') ?? 'all tasks'} (${input.mode ?? 'any'})`,
    async execute(input, ctx) {
      const mode = input.mode ?? 'any';
      const timeoutS = input.timeout_s ?? 60;
      const ids = input.task_ids?.length ? [...new Set(input.task_ids)] : undefined;
      const result = await manager.wait(ids, mode, timeoutS * 1000, ctx.signal);
      const awaited = [...result.done, ...result.pending];
      if (!awaited.length) return 'No background tasks are running; there is nothing to wait for.';
      let headline: string;
      if (result.interrupted) headline = 'Waiting was interrupted by the user.';
      else if (result.timedOut) {
        headline = `Still waiting after ${formatDuration(timeoutS * 1000)}; running: ${result.pending.map((t) => t.id).join(', ')}.`;
      } else {
        // Neither timed out nor interrupted: at least one awaited task has ended.
        headline = `Ended: ${result.done.map((t) => t.id).join(', ')}.`
          + (result.pending.length ? ` Still running: ${result.pending.map((t) => t.id).join(', ')}.` : '');
      }
      const share = Math.max(2000, Math.floor(CHECK_MAX_CHARS * 1.5 / awaited.length));
      const sections = awaited.map((t) => reportTask(manager, t.id, { maxChars: share }));
      return [headline, ...sections].join('\n\n');
    },
  });
}
