// kill_background: ends a background task (or all of them) with everything it started, and says how each
// one ended. The end is reported here, so no notice repeats it.
import { z } from 'zod';
import { describeStatus } from '../tasks/notices.js';
import type { TaskManager } from '../tasks/task-manager.js';
import { taskHeadline } from '../tasks/report.js';
import { UnknownTaskError } from '../tasks/types.js';
import { defineTool, ToolError } from './tool.js';

const DESCRIPTION = `Stop a background task ("all" for every one) and every process it started: SIGTERM, then SIGKILL after a short grace. Says how each ended.`;

export function createKillBackgroundTool(manager: TaskManager) {
  const schema = z.object({
    task_id: z.string().min(1),
  });
  return defineTool({
    name: 'kill_background',
    description: DESCRIPTION,
    schema,
    summarize: (input) => input.task_id,
    async execute(input) {
      if (input.task_id === 'all') {
        const running = manager.list().filter((t) => t.status === 'running');
        if (!running.length) return 'No tasks are running.';
        await manager.killAll('model');
        return running.map((t) => report(manager, t.id, true)).join('\n\n');
      }
      const before = manager.get(input.task_id);
      if (!before) throw new ToolError(new UnknownTaskError(input.task_id, manager.list().map((t) => t.id)).message);
      if (before.status === 'running') await manager.kill(input.task_id, 'model');
      return report(manager, input.task_id, before.status === 'running');
    },
  });
}

function report(manager: TaskManager, id: string, wasRunning: boolean): string {
  const last = manager.readNew(id, { tail: 15, maxChars: 3000 });
  const snap = manager.get(id)!;
  manager.acknowledge(id);
  return [
    wasRunning ? taskHeadline(snap) : `${id} had already ended: ${describeStatus(snap)}.`,
    last ? `last new output:\n${last}` : '(no new output)',
    `log: ${snap.logPath}`,
  ].join('\n');
}
