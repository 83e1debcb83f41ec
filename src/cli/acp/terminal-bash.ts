// `bash` in the editor's terminals, when an ACP client offers them: the editor shows the command's live output
// in its tool card. Permission rules still decide what runs (the gate sees the same tool name and input); long
// work still goes through background_run, which stays tandem's own. Not used under --sandbox, whose commands
// must run inside bubblewrap.
import * as acp from '@agentclientprotocol/sdk';
import { z } from 'zod';
import type { AgentTool } from '../../core/types.js';
import { defineTool, ToolError } from '../../tools/tool.js';

const MAX_OUTPUT_BYTES = 30_000;
const DEFAULT_TIMEOUT_S = 120;

export interface TerminalBashOptions {
  client: acp.AgentContext;
  sessionId: () => string;
  cwd: string;
  /** The built-in bash, whose description and schema the model already knows. */
  builtIn: AgentTool;
  /** Called once the editor has a terminal for a call, so its card can show it. */
  onTerminal: (toolUseId: string, terminalId: string) => void;
}

export function createTerminalBashTool(opts: TerminalBashOptions): AgentTool {
  const schema = z.object({
    command: z.string().min(1),
    timeout: z.number().positive().max(600).optional(),
    description: z.string().optional(),
  });
  const tool = defineTool({
    name: 'bash',
    description: opts.builtIn.description,
    schema,
    summarize: (input) => input.command,
    async execute({ command, timeout }, ctx) {
      const terminal = await opts.client.createTerminal({
        sessionId: opts.sessionId(), command: '/bin/sh', args: ['-c', command], cwd: opts.cwd, outputByteLimit: MAX_OUTPUT_BYTES,
      });
      opts.onTerminal(ctx.toolUseId, terminal.id);
      const started = Date.now();
      let timedOut = false;
      const timer = setTimeout(() => { timedOut = true; void terminal.kill().catch(() => {}); }, (timeout ?? DEFAULT_TIMEOUT_S) * 1000);
      const onAbort = () => void terminal.kill().catch(() => {});
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const exit = await terminal.waitForExit();
        const out = await terminal.currentOutput();
        const status = ctx.signal.aborted ? '[interrupted by the user]'
          : timedOut ? `[killed after ${timeout ?? DEFAULT_TIMEOUT_S}s; use background_run for long commands]`
            : exit.signal ? `[killed by ${exit.signal}]` : exit.exitCode ? `[exited with code ${exit.exitCode}]` : '';
        const cut = out.truncated ? '[output cut to its last 30,000 bytes]\n' : '';
        const text = `${cut}${out.output.replace(/\n$/, '')}${status ? `\n${status}` : ''}`.trim() || '(no output)';
        return {
          content: text,
          details: {
            kind: 'command', command, exitCode: exit.exitCode ?? null, signal: exit.signal ?? null, timedOut,
            interrupted: ctx.signal.aborted, durationMs: Date.now() - started,
          },
        };
      } catch (err) {
        throw new ToolError(`The editor's terminal failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
        void terminal.release().catch(() => {});
      }
    },
  });
  return { ...tool, inputSchema: opts.builtIn.inputSchema };
}
