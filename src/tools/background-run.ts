// background_run: starts a long command as a background task and returns at once (after a short look, so
// an immediate failure such as a typo or a missing binary is reported in the same result).
import { z } from 'zod';
import { describeStatus } from '../tasks/notices.js';
import type { TaskManager } from '../tasks/task-manager.js';
import { parseFilter } from './check-background.js';
import { startTask } from './foreground-task.js';
import { defineTool } from './tool.js';

const DESCRIPTION = `Start a command as a background task; returns its id at once so you keep working.
- Use it for builds, test suites, installs, dev servers, watchers.
- Don't poll or sleep: when the task ends, a notice with its status and last lines reaches you by itself. wait_background blocks until it ends; check_background shows new output; kill_background stops it; write_background answers prompts.
- Immediate failures (typo, missing binary) are reported in this result.
- tty: true gives it a pseudo-terminal (for prompts, REPLs, progress bars). timeout_s kills it after that long (default none).
- notify_on (regex): each time output lines match, a notice with those lines reaches you while it runs (batched), e.g. "error|ERROR|FAIL" for a watcher or dev server.
- persistent: true keeps it running after this session ends (a dev server or watcher the user wants kept; no stdin); a resumed session re-attaches to it. Everything else dies with tandem.`;

const STARTUP_MS = 200;

export function createBackgroundRunTool(manager: TaskManager) {
  const schema = z.object({
    command: z.string().min(1),
    description: z.string().optional().describe('A few words, e.g. "dev server".'),
    timeout_s: z.number().positive().optional(),
    tty: z.boolean().optional(),
    notify_on: z.string().min(1).optional().describe('Regex (RE2 syntax): matching output lines are noticed while it runs.'),
    persistent: z.boolean().optional(),
  });
  return defineTool({
    name: 'background_run',
    description: DESCRIPTION,
    schema,
    startsOnly: true,
    summarize: (input) => input.description ?? input.command,
    async execute(input) {
      const notifyOn = await parseFilter(input.notify_on, 'notify_on');
      let snap = startTask(() => manager.start({
        command: input.command,
        description: input.description,
        timeoutMs: input.timeout_s !== undefined ? input.timeout_s * 1000 : undefined,
        tty: input.tty ?? false,
        notifyOn,
        persistent: input.persistent,
      }));
      snap = await manager.waitForStartup(snap.id, STARTUP_MS);
      const output = manager.readNew(snap.id, { maxChars: 4000 });
      if (snap.status !== 'running') {
        manager.acknowledge(snap.id);
        const text = [`Task ${snap.id} ended at once: ${describeStatus(snap)}.`, output || '(no output)', `log: ${snap.logPath}`];
        return { content: text.join('\n'), isError: snap.status === 'failed_to_start' };
      }
      return [
        `Started ${snap.persistent ? 'persistent ' : ''}background task ${snap.id}${snap.tty ? ' (in a terminal)' : ''}: ${input.command}`,
        ...(snap.persistent ? ['It keeps running after tandem exits; `tandem tasks kill ' + snap.id + '` ends it from a shell.'] : []),
        `log: ${snap.logPath}`,
        ...(output ? ['output so far:', output] : []),
        ...(notifyOn ? [`Output lines matching /${notifyOn.source}/ will reach you as notices while it runs.`] : []),
        'A notice will arrive when it ends. Keep working; use wait_background to block on it.',
      ].join('\n');
    },
  });
}
