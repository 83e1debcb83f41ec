// Hooks written for Claude Code match Claude Code's tool names and read its input fields (`tool_input.file_path`);
// tandem's tools go by their own names and fields (`path`, `old_text`). Hooks get both, and an input a hook
// rewrites in Claude Code's fields is mapped back.
import { claudeToolName } from '../../tools/claude-names.js';

/** tandem field → Claude Code field, for the tools that have both. */
const ALIASES: Record<string, Record<string, string>> = {
  read_file: { path: 'file_path' },
  write_file: { path: 'file_path' },
  edit_file: { path: 'file_path', old_text: 'old_string', new_text: 'new_string' },
};

/** The names a matcher is tried against: Claude Code's (`Bash`) and tandem's own (`bash`). */
export function toolNamesOf(tool: string): string[] {
  const claude = claudeToolName(tool);
  return claude === tool ? [tool] : [claude, tool];
}

/** The input as a hook sees it: tandem's fields plus Claude Code's names for them. */
export function inputForHook(tool: string, input: unknown): Record<string, unknown> {
  const base = input && typeof input === 'object' ? { ...(input as Record<string, unknown>) } : {};
  for (const [own, claude] of Object.entries(ALIASES[tool] ?? {})) {
    if (own in base && !(claude in base)) base[claude] = base[own];
  }
  return base;
}

/** A hook's `updatedInput` in tandem's fields: Claude Code's names win where the hook changed them. */
export function inputFromHook(tool: string, updated: Record<string, unknown>, sent: Record<string, unknown>): Record<string, unknown> {
  const out = { ...updated };
  for (const [own, claude] of Object.entries(ALIASES[tool] ?? {})) {
    if (!(claude in out)) continue;
    const changedClaude = out[claude] !== sent[claude];
    if (changedClaude || !(own in out)) out[own] = out[claude];
    delete out[claude];
  }
  return out;
}
