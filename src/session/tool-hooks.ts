// Hooks that see each tool call before the permission rules do: settings files' PreToolUse hooks
// (session-hooks.ts) and the Claude Agent SDK's PreToolUse callbacks. A hook may deny the call, allow it
// outright (skipping the rules, as Claude Code's `permissionDecision: "allow"`), ask the person first, replace
// its input, or say nothing.
import type { ToolUseBlock } from '../core/types.js';

export type ToolHookDecision =
  | { decision: 'deny'; reason: string }
  | { decision: 'allow'; updatedInput?: Record<string, unknown> }
  /** Put the call to the person (denied where nobody can answer), then to the rules. */
  | { decision: 'ask'; reason?: string; updatedInput?: Record<string, unknown> }
  | { decision?: undefined; updatedInput?: Record<string, unknown> };

/** Resolves undefined to say nothing. Contract: a hook that fails resolves a deny saying why; it never throws. */
export type ToolHook = (call: ToolUseBlock, signal?: AbortSignal) => Promise<ToolHookDecision | undefined>;

/** A call that was not allowed to run, as the SDK's `permission_denials` and print mode's summary report it. */
export interface PermissionDenial {
  toolName: string;
  toolUseId: string;
  input: unknown;
  /** What the model was told. */
  message: string;
}

/**
 * Runs the hooks in order: the first deny wins, then an ask over an allow; input replacements apply to the hooks
 * after and to the call.
 */
export async function runToolHooks(hooks: readonly ToolHook[], call: ToolUseBlock, signal?: AbortSignal): Promise<ToolHookDecision | undefined> {
  let allowed = false;
  let ask: { decision: 'ask'; reason?: string } | undefined;
  for (const hook of hooks) {
    let out: ToolHookDecision | undefined;
    try {
      out = await hook(call, signal);
    } catch (err) {
      out = { decision: 'deny', reason: `A hook failed, so this call did not run: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (!out) continue;
    if (out.decision === 'deny') return out;
    if (out.updatedInput) call.input = out.updatedInput;
    if (out.decision === 'allow') allowed = true;
    if (out.decision === 'ask') ask ??= { decision: 'ask', reason: out.reason };
  }
  return ask ?? (allowed ? { decision: 'allow' } : undefined);
}
