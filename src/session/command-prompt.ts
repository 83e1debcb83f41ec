// Runs a custom slash command's expansion for any front end: its allowed-tools become session rules and its
// model the session's model for the turn it starts; finish() takes both back.
import type { ContentBlock, ToolResult } from '../core/types.js';
import type { SlashCommand } from '../extensions/index.js';
import { ruleWithClaudeName } from '../tools/claude-names.js';
import type { PermissionRule } from '../workspace/permissions/index.js';
import type { Runtime } from './runtime.js';

export interface PreparedCommand {
  command: SlashCommand;
  /** The prompt to send in place of the typed line. */
  content: ContentBlock[];
  /** Lines for the person: what ran, what was attached, what could not be used. */
  notes: string[];
  /** Call after the turn the command started: its rules and model end with it. */
  finish(): Promise<void>;
}

/** The custom command a typed line names (`/review src/`), if any; built-in commands are not looked up here. */
export function customCommandOf(rt: Runtime, text: string): { command: SlashCommand; args: string } | undefined {
  const m = /^(\/\S+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return undefined;
  const command = rt.commands.get(m[1]!);
  return command ? { command, args: (m[2] ?? '').trim() } : undefined;
}

/**
 * Expands `text` if it names a custom command. Rejects (with a message fit to show) when the expansion fails;
 * nothing stays changed then.
 */
export async function prepareCommand(rt: Runtime, text: string, signal?: AbortSignal): Promise<PreparedCommand | undefined> {
  const found = customCommandOf(rt, text);
  if (!found) return undefined;
  const { command, args } = found;
  const notes: string[] = [];
  const rules: PermissionRule[] = [];
  for (const entry of command.allowedTools ?? []) {
    try {
      rules.push(rt.policy.addRule(ruleWithClaudeName(entry), 'allow', `${command.name} (allowed-tools)`));
    } catch (err) {
      notes.push(`${command.name}: allowed-tools entry "${entry}" ignored: ${(err as Error).message}`);
    }
  }
  const previousModel = rt.config.model;
  let switched = false;
  const finish = async () => {
    for (const rule of rules) rt.policy.removeRule(rule);
    if (switched) await rt.setModel(previousModel).catch(() => {});
  };
  try {
    if (command.model && command.model !== previousModel) {
      try {
        await rt.setModel(command.model);
        switched = true;
        notes.push(`${command.name}: model ${command.model} for this turn`);
      } catch (err) {
        notes.push(`${command.name}: model ${command.model} not used (${(err as Error).message})`);
      }
    }
    let calls = 0;
    const runTool = async (name: string, input: Record<string, unknown>): Promise<ToolResult> => {
      const tool = rt.tools.find((t) => t.name === name);
      if (!tool) return { content: `no ${name} tool in this session`, isError: true };
      const call = { type: 'tool_use' as const, id: `command_${Date.now().toString(36)}_${calls++}`, name, input };
      const denied = await rt.authorize(call, tool, signal);
      if (denied) return denied;
      return tool.execute(call.input, { signal: signal ?? new AbortController().signal, toolUseId: call.id });
    };
    const prompt = await command.expand(args, { workspaceRoot: rt.workspace.root, signal, runTool });
    return { command, content: prompt.content, notes: [...notes, ...prompt.notes], finish };
  } catch (err) {
    await finish();
    throw err;
  }
}
