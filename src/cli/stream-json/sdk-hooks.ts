// Hooks an SDK program registers in `initialize` (callbacks living in its process), run through hook_callback
// requests. PreToolUse runs before the permission rules and may block, allow or rewrite a call.
import { compileLinePatternSync, loadPatternEngine } from '../../core/line-pattern.js';
import type { ToolUseBlock } from '../../core/types.js';
import type { ToolHook, ToolHookDecision } from '../../session/tool-hooks.js';
import { claudeToolName } from '../../tools/claude-names.js';
import type { ControlChannel, ControlPayload } from './control.js';

export interface SdkHookMatcher { matcher?: string; hookCallbackIds?: string[]; timeout?: number }
export type SdkHooks = Partial<Record<string, SdkHookMatcher[]>>;

export interface HookContext {
  sessionId: string;
  transcriptPath: string;
  cwd: string;
  permissionMode: () => string;
}

/** The PreToolUse hook for tandem's loop, or undefined when the SDK registered none. */
export function sdkPreToolUseHook(hooks: SdkHooks | undefined, control: ControlChannel, ctx: HookContext): ToolHook | undefined {
  const matchers = hooks?.PreToolUse ?? [];
  if (!matchers.length) return undefined;
  return async (call: ToolUseBlock, signal?: AbortSignal) => {
    const toolName = claudeToolName(call.name);
    let allowed = false;
    // The SDK app's matchers run on the linear-time engine (see core/line-pattern.ts).
    await loadPatternEngine();
    for (const m of matchers) {
      if (!matches(m.matcher, toolName)) continue;
      for (const id of m.hookCallbackIds ?? []) {
        const input = {
          hook_event_name: 'PreToolUse', session_id: ctx.sessionId, transcript_path: ctx.transcriptPath, cwd: ctx.cwd,
          permission_mode: ctx.permissionMode(), tool_name: toolName, tool_input: call.input, tool_use_id: call.id,
        };
        let out: ControlPayload;
        try {
          out = await withTimeout(control.request({ subtype: 'hook_callback', callback_id: id, input, tool_use_id: call.id }, signal), m.timeout);
        } catch (err) {
          return { decision: 'deny', reason: `The PreToolUse hook failed, so ${toolName} did not run: ${(err as Error).message}` };
        }
        const decision = readDecision(out, toolName);
        if (decision?.decision === 'deny') return decision;
        if (decision?.updatedInput) call.input = decision.updatedInput;
        if (decision?.decision === 'allow') allowed = true;
      }
    }
    return allowed ? { decision: 'allow' } : undefined;
  };
}

/** Claude Code's hook output: `decision: "block"`, `continue: false`, or hookSpecificOutput.permissionDecision. */
function readDecision(out: ControlPayload, toolName: string): ToolHookDecision | undefined {
  const specific = (out.hookSpecificOutput ?? {}) as { permissionDecision?: string; permissionDecisionReason?: string; updatedInput?: Record<string, unknown> };
  const reason = specific.permissionDecisionReason ?? (typeof out.reason === 'string' ? out.reason : undefined)
    ?? (typeof out.stopReason === 'string' ? out.stopReason : undefined);
  if (out.decision === 'block' || specific.permissionDecision === 'deny' || out.continue === false) {
    return { decision: 'deny', reason: reason ? `A PreToolUse hook blocked ${toolName}: ${reason}` : `A PreToolUse hook blocked ${toolName}.` };
  }
  const updatedInput = specific.updatedInput && typeof specific.updatedInput === 'object' ? specific.updatedInput : undefined;
  if (out.decision === 'approve' || specific.permissionDecision === 'allow') return { decision: 'allow', updatedInput };
  return updatedInput ? { updatedInput } : undefined;
}

/** A matcher is a tool name, `A|B`, a regex, or empty / `*` for every tool. */
function matches(matcher: string | undefined, toolName: string): boolean {
  if (!matcher || matcher === '*') return true;
  try {
    return compileLinePatternSync(`^(?:${matcher})$`, 'hook matcher').test(toolName);
  } catch {
    return matcher === toolName;
  }
}

function withTimeout<T>(promise: Promise<T>, seconds: number | undefined): Promise<T> {
  if (!seconds) return promise;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${seconds}s`)), seconds * 1000);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}
