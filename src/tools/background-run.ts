// background_run: starts a long command as a background task and returns at once (after a short look, so
// an immediate failure such as a typo or a missing binary is reported in the same result).
import { z } from 'zod';
import { describeStatus } from '../tasks/notices.js';
import type { TaskManager } from '../tasks/task-manager.js';
import { TaskLimitError, type TaskSnapshot } from '../tasks/types.js';
import { defineTool, ToolError } from './tool.js';

const DESCRIPTION = `Start a shell command as a background task and return immediately with its task id, so you can keep working while it runs.
- Use it for anything that takes more than a few seconds: builds, test suites, installs, dev servers, watchers, long scripts.
- Do not poll with sleep: a notice with the exit status and the last lines of output reaches you by itself when the task ends. To block until it ends, use wait_background; to see new output, check_background; to stop it, kill_background; to answer a prompt, write_background.
- If the command fails right away (typo, missing binary, syntax error), the failure and its output are in this result.
- tty: true runs it in a pseudo-terminal (120x40) for programs that need one (interactive prompts, REPLs, colour/progress output that is disabled on pipes).
- timeout_s kills the task if it runs longer (none by default; a server normally needs none).
- The full output goes to a log file whose path is returned; read it with read_file.`;

const STARTUP_MS = 200;

export function createBackgroundRunTool(manager: TaskManager) {
  const schema = z.object({
    command: z.string().min(1).describe('The command, run with bash -c in the workspace directory.'),
    description: z.string().optional().describe('A few words on what it is for, e.g. "dev server".'),
    timeout_s: z.number().positive().optional().describe('Kill the task after this many seconds (default: no limit).'),
    tty: z.boolean().optional().describe('Run in a pseudo-terminal (default false: pipes).'),
  });
  return defineTool({
    name: 'background_run',
    description: DESCRIPTION,
    schema,
    summarize: (input) => input.description ?? input.command,
    async execute(input) {
      let snap: TaskSnapshot;
      try {
        snap = manager.start({
          command: input.command,
          description: input.description,
          timeoutMs: input.timeout_s !== undefined ? input.timeout_s * 1000 : undefined,
          tty: input.tty ?? false,
        });
      } catch (err) {
        if (err instanceof TaskLimitError) throw new ToolError(`${err.message} (kill_background ends one.)`);
        throw err;
      }
      snap = await manager.waitForStartup(snap.id, STARTUP_MS);
      const output = manager.readNew(snap.id, { maxChars: 4000 });
      if (snap.status !== 'running') {
        manager.acknowledge(snap.id);
        const text = [`Task ${snap.id} ended at once: ${describeStatus(snap)}.`, output || '(no output)', `log: ${snap.logPath}`];
        return { content: text.join('\n'), isError: snap.status === 'failed_to_start' };
      }
      return [
        `Started background task ${snap.id}${snap.tty ? ' (in a terminal)' : ''}: ${input.command}`,
        `log: ${snap.logPath}`,
        ...(output ? ['output so far:', output] : []),
        'A notice will arrive when it ends. Keep working; use wait_background to block on it.',
      ].join('\n');
    },
  });
}
