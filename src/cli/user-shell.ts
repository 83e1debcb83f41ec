// `!command` at the prompt: the person runs a command themselves, as in Claude Code and Codex. No permission
// question (it is theirs, not the model's), under the sandbox when there is one (it runs as the bash tool does),
// and its output goes to the model as context with the next prompt; no turn starts.
import { toolResultText } from '../core/text.js';
import type { ToolResult } from '../core/types.js';
import type { Runtime } from '../session/runtime.js';

let runs = 0;

export async function runUserShellCommand(
  rt: Runtime, command: string, opts: { signal: AbortSignal; id?: string; onProgress?: (text: string) => void },
): Promise<ToolResult> {
  const bash = rt.tools.find((t) => t.name === 'bash');
  if (!bash) return { content: 'this session has no bash tool', isError: true };
  const result = await bash.execute({ command, description: 'typed at the prompt' }, {
    signal: opts.signal, toolUseId: opts.id ?? `user_shell_${++runs}`, onProgress: opts.onProgress,
  });
  rt.addUserMessage([{ type: 'text', text: userShellContext(command, toolResultText(result.content)) }]);
  return result;
}

/** What the model is told of a command the person ran at the prompt. */
export function userShellContext(command: string, output: string): string {
  return `<user-shell-command>\nThe user ran this command in the shell themselves (not a request to you); its result is context for what they ask next.\n$ ${command}\n${output}\n</user-shell-command>`;
}
