// write_background: sends input to a running task's stdin (or its terminal, for tty tasks).
import { z } from 'zod';
import { describeStatus } from '../tasks/notices.js';
import type { TaskManager } from '../tasks/task-manager.js';
import { UnknownTaskError } from '../tasks/types.js';
import { defineTool, ToolError } from './tool.js';

const DESCRIPTION = `Send input to a running task's stdin (or its terminal, for tty tasks).
- Sent as given: end lines with "\\n"; "\\u0003" is Ctrl-C, "\\u0004" Ctrl-D. close_stdin sends end of file.
- Then check_background or wait_background to see the response.`;

export function createWriteBackgroundTool(manager: TaskManager) {
  const schema = z.object({
    task_id: z.string().min(1),
    input: z.string(),
    close_stdin: z.boolean().optional(),
  });
  return defineTool({
    name: 'write_background',
    description: DESCRIPTION,
    schema,
    summarize: (input) => `${input.task_id}: ${JSON.stringify(input.input).slice(0, 60)}`,
    async execute(input) {
      const snap = manager.get(input.task_id);
      if (!snap) throw new ToolError(new UnknownTaskError(input.task_id, manager.list().map((t) => t.id)).message);
      if (snap.status !== 'running') {
        throw new ToolError(`Task ${snap.id} has ended (${describeStatus(snap)}), so it cannot take input.`);
      }
      let bytes: number;
      try {
        bytes = manager.write(input.task_id, input.input, input.close_stdin ?? false);
      } catch (err) {
        throw new ToolError((err as Error).message);
      }
      const where = snap.tty ? 'terminal' : 'stdin';
      return `Wrote ${bytes} byte${bytes === 1 ? '' : 's'} to ${snap.id}'s ${where}`
        + `${input.close_stdin ? (snap.tty ? ' and sent Ctrl-D' : ' and closed stdin') : ''}.`
        + ' Use check_background or wait_background to see its response.';
    },
  });
}
