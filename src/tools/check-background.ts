// check_background: a task's status and its output since the last look, or a table of every task.
import { z } from 'zod';
import { compileLinePattern, PatternError, type LinePattern } from '../core/line-pattern.js';
import type { TaskManager } from '../tasks/task-manager.js';
import { taskHeadline, taskTable } from '../tasks/report.js';
import { defineTool, ToolError } from './tool.js';

const DESCRIPTION = `Check background tasks without waiting.
- With task_id: status plus output since your last check of it; filter (regex, e.g. "error|FAIL") and tail (last N lines) narrow it.
- Without: a table of all tasks. Don't loop on this to wait: use wait_background or keep working.`;

export const CHECK_MAX_CHARS = 10_000;
const TABLE_ROWS = 50;

export function createCheckBackgroundTool(manager: TaskManager) {
  const schema = z.object({
    task_id: z.string().optional(),
    filter: z.string().optional().describe('RE2 syntax (no lookaround or backreferences); (?i) ignores case.'),
    tail: z.number().int().positive().optional(),
  });
  return defineTool({
    name: 'check_background',
    description: DESCRIPTION,
    schema,
    readOnly: true,
    summarize: (input) => input.task_id ?? 'all tasks',
    async execute(input) {
      if (!input.task_id) {
        if (input.filter !== undefined || input.tail !== undefined) {
          throw new ToolError('filter and tail apply to one task: give a task_id too.');
        }
        // Finished foreground commands (bash tool runs) were reported in full already.
        const tasks = manager.list().filter((t) => !t.foreground || t.status === 'running');
        if (!tasks.length) return 'No background tasks have been started.';
        const shown = tasks.slice(-TABLE_ROWS);
        const older = tasks.length - shown.length;
        return `${older ? `(${older} older tasks not shown)\n` : ''}${taskTable(shown)}`;
      }
      return reportTask(manager, input.task_id, { filter: await parseFilter(input.filter), tail: input.tail });
    },
  });
}

/** Status line + new output of one task; marks an ended task's end as seen (so no notice repeats it). */
export function reportTask(
  manager: TaskManager, id: string, opts: { filter?: LinePattern; tail?: number; maxChars?: number } = {},
): string {
  // An unknown id throws UnknownTaskError here; its message is the tool's error result.
  const output = manager.readNew(id, { ...opts, maxChars: opts.maxChars ?? CHECK_MAX_CHARS });
  const snap = manager.get(id)!;
  if (snap.status !== 'running') manager.acknowledge(id);
  const what = opts.filter ? `new output matching /${opts.filter.source}/` : 'new output';
  return [
    taskHeadline(snap),
    output ? `${what}${opts.tail ? ` (last ${opts.tail} lines)` : ''}:\n${output}` : `(no ${what})`,
    `log: ${snap.logPath}`,
  ].join('\n');
}

/** The model's filter as a linear-time pattern (a hostile or unlucky one cannot hang tandem). */
export async function parseFilter(filter: string | undefined, what = 'filter'): Promise<LinePattern | undefined> {
  if (filter === undefined || filter === '') return undefined;
  try {
    return await compileLinePattern(filter, what);
  } catch (err) {
    if (err instanceof PatternError) throw new ToolError(err.message);
    throw err;
  }
}
