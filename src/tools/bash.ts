// bash: runs a command in the foreground as an engine task (same isolation as background tasks, so
// `server &` leaves nothing behind). A command that outlives its timeout is not killed: it moves to the
// background and the model gets its id. A non-zero exit is reported in the text, never as a tool error.
import { z } from 'zod';
import { formatDuration, oneLine } from '../core/text.js';
import type { CommandDetails, ToolContext, ToolResult } from '../core/types.js';
import { describeStatus } from '../tasks/notices.js';
import type { TaskManager } from '../tasks/task-manager.js';
import type { TaskSnapshot } from '../tasks/types.js';
import { startTask, streamLines, waitForeground } from './foreground-task.js';
import { defineTool, ToolError } from './tool.js';

export interface BashToolOptions {
  /** Seconds before a command moves to the background (default 120). */
  defaultTimeoutS?: number;
  maxTimeoutS?: number;
  /** Output beyond this shows its head and tail with the log path (default 30,000). */
  maxOutputChars?: number;
}

const DESCRIPTION = `Run a bash command in the workspace and wait for it.
- For quick commands. Use background_run for anything long (builds, tests, installs, servers) and keep working.
- A command still running at its timeout (default DEFAULT s, max MAX) is not killed: it becomes a background task and a notice arrives when it ends.
- stdout and stderr are interleaved. A non-zero exit is shown as [exited with code N]. Long output shows head and tail plus the full log's path (read it with read_file).
- Processes it leaves behind (\`server &\`) are killed when it ends. Nothing is written to stdin; answer prompts with write_background.`;

export function createBashTool(manager: TaskManager, opts: BashToolOptions = {}) {
  const defaultTimeoutS = opts.defaultTimeoutS ?? 120;
  const maxTimeoutS = opts.maxTimeoutS ?? 600;
  const maxChars = opts.maxOutputChars ?? 30_000;
  const schema = z.object({
    command: z.string().min(1),
    timeout: z.number().positive().max(maxTimeoutS).optional().describe('Seconds before it moves to the background.'),
    description: z.string().optional().describe('A few words, shown to the user.'),
  });
  return defineTool({
    name: 'bash',
    description: DESCRIPTION.replace('DEFAULT', String(defaultTimeoutS)).replace('MAX', String(maxTimeoutS)),
    schema,
    // What runs, with the model's description beside it ("npm test (run the tests)").
    summarize: (input) => (input.description ? `${oneLine(input.command, 70)} (${oneLine(input.description, 40)})` : input.command),
    async execute(input, ctx) {
      const snap = startTask(() => manager.start({ command: input.command, description: input.description, foreground: true }));
      const id = snap.id;
      const stopProgress = ctx.onProgress ? streamLines(manager, id, ctx.onProgress) : undefined;
      const timeoutS = input.timeout ?? defaultTimeoutS;
      try {
        const waited = await waitForeground(manager, id, ctx, timeoutS * 1000);
        const facts = (snap: TaskSnapshot, more: Partial<CommandDetails> = {}) => commandDetails(input, snap, more);
        if (waited.movedByUser) {
          const snap = manager.get(id)!;
          return { content: movedToBackground(manager, snap, 'the user moved it to the background', maxChars), details: facts(snap, { backgroundedAs: id }) };
        }
        if (waited.interrupted) return await interrupted(manager, id, maxChars, facts);
        if (waited.timedOut) {
          const moved = manager.background(id);
          if (moved.status === 'running') {
            return {
              content: movedToBackground(manager, moved, `still running after ${formatDuration(timeoutS * 1000)}`, maxChars),
              details: facts(moved, { backgroundedAs: id }),
            };
          }
        }
        return finished(manager, id, maxChars, facts);
      } finally {
        stopProgress?.();
      }
    },
  });
}

type Facts = (snap: TaskSnapshot, more?: Partial<CommandDetails>) => CommandDetails;

/** What front ends show of a command's run, as data (not read back from the text the model gets). */
function commandDetails(input: { command: string; description?: string }, snap: TaskSnapshot, more: Partial<CommandDetails>): CommandDetails {
  return {
    kind: 'command', command: input.command, ...(input.description ? { description: input.description } : {}),
    exitCode: snap.status === 'exited' && !snap.signal ? snap.exitCode ?? null : null,
    signal: snap.signal ?? null, timedOut: snap.status === 'timed_out', interrupted: false, durationMs: snap.runtimeMs, ...more,
  };
}

function finished(manager: TaskManager, id: string, maxChars: number, facts: Facts): ToolResult {
  const output = manager.readNew(id, { maxChars });
  const snap = manager.get(id)!;
  manager.acknowledge(id);
  if (snap.status === 'failed_to_start') throw new ToolError(`The command ${describeStatus(snap)}`);
  const ok = snap.status === 'exited' && snap.exitCode === 0 && !snap.signal;
  const footer = ok ? '' : `[${describeStatus(snap)}]`;
  return { content: [output || (ok ? '(no output)' : ''), footer].filter(Boolean).join('\n'), details: facts(snap) };
}

async function interrupted(manager: TaskManager, id: string, maxChars: number, facts: Facts): Promise<ToolResult> {
  const snap = await manager.kill(id, 'user');
  const output = manager.readNew(id, { maxChars });
  manager.acknowledge(id);
  const how = snap.status === 'killed' ? describeStatus(snap) : `it had already ${describeStatus(snap)}`;
  return {
    content: [output, `[interrupted by the user: ${how}]`].filter(Boolean).join('\n'),
    details: facts(snap, { interrupted: snap.status === 'killed' }),
  };
}

function movedToBackground(manager: TaskManager, snap: TaskSnapshot, why: string, maxChars: number): string {
  const output = manager.readNew(snap.id, { maxChars });
  return [
    output || '(no output yet)',
    `[${why}: moved to the background as task ${snap.id}, not killed. `
      + `A notice will arrive when it ends; meanwhile use wait_background, check_background or kill_background `
      + `with task_id "${snap.id}". Full log: ${snap.logPath}]`,
  ].join('\n');
}

