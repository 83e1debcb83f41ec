// Settings-file hooks wired into a session: PreToolUse through the ToolHook chain (beside the SDK's), PostToolUse
// around each tool, UserPromptSubmit and Stop around each turn, SessionStart/End, PreCompact, Notification on
// permission questions, and TaskStart/TaskEnd from the task engine. Hook text for the model is labelled as
// hook output (never as tandem's own words) and reaches it with the next request.
import type { AgentTool, ContentBlock, ToolResultContent } from '../core/types.js';
import { toolResultText } from '../core/text.js';
import { HookEngine, type HookOutcome } from '../extensions/hooks/engine.js';
import { readHookDefinitions, type HookEvent, type HookFileSection } from '../extensions/hooks/config.js';
import type { TaskManager } from '../tasks/task-manager.js';
import type { TaskSnapshot } from '../tasks/types.js';
import type { ApprovalRequest, Approver } from '../workspace/approval.js';
import type { ToolHook } from './tool-hooks.js';

export interface SessionHooksOptions {
  sections: readonly HookFileSection[];
  projectDir: string;
  env: NodeJS.ProcessEnv;
  context: () => { sessionId: string; transcriptPath: string; permissionMode: string };
  log: (line: string) => void;
  tasks: TaskManager;
}

/** Stop hooks may keep the agent going; past this many times in one turn tandem stops anyway. */
const MAX_STOP_CONTINUATIONS = 8;

export class SessionHooks {
  readonly engine: HookEngine;
  #pending: ContentBlock[] = [];
  #started: Promise<void> | undefined;
  #halt: ((reason: string) => void) | undefined;
  /** Hooks started without waiting for them (tasks, notifications, compaction): waited for at the end. */
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #log: (line: string) => void;

  constructor(opts: SessionHooksOptions) {
    const { hooks, warnings } = readHookDefinitions(opts.sections);
    for (const w of warnings) opts.log(w);
    this.#log = opts.log;
    this.engine = new HookEngine({ hooks, projectDir: opts.projectDir, env: opts.env, context: opts.context, log: opts.log });
    if (this.engine.has('TaskStart') || this.engine.has('TaskEnd')) this.#watchTasks(opts.tasks);
  }

  /** Starts the SessionStart hooks; their context goes out with the first request. */
  sessionStart(source: 'startup' | 'resume' | 'clear'): void {
    if (!this.engine.has('SessionStart')) return;
    this.#started = this.engine.sessionStart(source).then((o) => this.#take('SessionStart', o));
  }

  /** The turn in progress: `continue: false` from a hook stops it through this. */
  setHalt(halt: ((reason: string) => void) | undefined): void {
    this.#halt = halt;
  }

  /** Hook output waiting for the model (SessionStart, TaskStart/TaskEnd), as blocks for the next request. */
  drainContext(): ContentBlock[] {
    return this.#pending.splice(0);
  }

  /** Before a turn's first request: waits for SessionStart; runs UserPromptSubmit on a new prompt. */
  async beforeTurn(prompt: string | undefined, signal?: AbortSignal): Promise<{ blocked?: string; context: ContentBlock[] }> {
    await this.#started;
    if (prompt === undefined || !this.engine.has('UserPromptSubmit')) return { context: [] };
    const out = await this.engine.userPromptSubmit(prompt, signal);
    if (out.stop) return { blocked: out.stop.reason ?? 'a UserPromptSubmit hook stopped the session', context: [] };
    if (out.blocked) return { blocked: out.blocked, context: [] };
    return { context: out.context.map((text) => hookText('UserPromptSubmit', text)) };
  }

  /** After the agent ends its turn: the reason it must go on (a Stop hook blocked), or undefined to stop. */
  async afterStop(continuations: number, signal?: AbortSignal): Promise<string | undefined> {
    if (!this.engine.has('Stop')) return undefined;
    const out = await this.engine.stop('Stop', { stopHookActive: continuations > 0 }, signal);
    if (out.stop || !out.blocked || signal?.aborted) return undefined;
    if (continuations >= MAX_STOP_CONTINUATIONS) {
      this.#log(`Stop hooks kept the agent going ${continuations} times in a row; stopping anyway`);
      return undefined;
    }
    return out.blocked;
  }

  /** The PreToolUse hook for the session's ToolHook chain, or undefined when no settings file has one. */
  toolHook(): ToolHook | undefined {
    if (!this.engine.has('PreToolUse')) return undefined;
    return async (call, signal) => {
      const out = await this.engine.preToolUse(call, signal);
      this.#stopIfAsked(out);
      const tool = call.name;
      if (out.blocked || out.permissionDecision === 'deny') {
        const why = out.blocked ?? out.permissionReason;
        return { decision: 'deny', reason: why ? `A PreToolUse hook blocked ${tool}: ${why}` : `A PreToolUse hook blocked ${tool}.` };
      }
      if (out.permissionDecision === 'ask') return { decision: 'ask', reason: out.permissionReason, updatedInput: out.updatedInput };
      if (out.permissionDecision === 'allow') return { decision: 'allow', updatedInput: out.updatedInput };
      return out.updatedInput ? { updatedInput: out.updatedInput } : undefined;
    };
  }

  /** `tool` with PostToolUse hooks after it: their feedback and context are added to its result. */
  wrapTool(tool: AgentTool): AgentTool {
    if (!this.engine.has('PostToolUse')) return tool;
    return {
      ...tool,
      execute: async (input, ctx) => {
        const result = await tool.execute(input, ctx);
        const out = await this.engine.postToolUse(
          { id: ctx.toolUseId ?? '', name: tool.name, input },
          { text: toolResultText(result.content), isError: !!result.isError },
          ctx.signal,
        );
        this.#stopIfAsked(out);
        const extra = [
          ...(out.blocked ? [`PostToolUse hook feedback: ${out.blocked}`] : []),
          ...out.context,
        ].map((text) => hookText('PostToolUse', text).text);
        return extra.length ? { ...result, content: appendText(result.content, extra) } : result;
      },
    };
  }

  /** The approver, telling Notification hooks each time tandem waits for the person. */
  notifying(approver: Approver | undefined): Approver | undefined {
    if (!approver || !this.engine.has('Notification')) return approver;
    return (request: ApprovalRequest, signal?: AbortSignal) => {
      this.#background(this.engine.notification(`tandem needs your permission to use ${request.tool}`, 'permission_prompt'));
      return approver(request, signal);
    };
  }

  /** PreCompact: told before a compaction starts (it cannot stop one). */
  preCompact(trigger: 'manual' | 'auto'): void {
    if (this.engine.has('PreCompact')) this.#background(this.engine.preCompact(trigger));
  }

  /** /clear: the conversation ends (SessionEnd, reason clear) and a new one starts (SessionStart, source clear). */
  async cleared(): Promise<void> {
    this.#pending.length = 0;
    await this.#started;
    if (this.engine.has('SessionEnd')) await this.engine.sessionEnd('clear');
    this.sessionStart('clear');
  }

  /** Runs SessionEnd, and waits for hooks still running (each is bounded by its timeout). */
  async sessionEnd(): Promise<void> {
    await this.#started; // a session that ends at once still starts first
    if (this.engine.has('SessionEnd')) await this.engine.sessionEnd('other');
    await Promise.all([...this.#inflight]);
  }

  #background(p: Promise<unknown>): void {
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p));
  }

  #stopIfAsked(out: HookOutcome): void {
    if (!out.stop) return;
    const reason = out.stop.reason ?? 'a hook asked to stop';
    this.#log(`stopped by a hook: ${reason}`);
    this.#halt?.(reason);
  }

  #take(event: HookEvent, out: HookOutcome): void {
    this.#stopIfAsked(out);
    this.#pending.push(...out.context.map((text) => hookText(event, text)));
  }

  /** Background tasks only, as the transcript records them: a foreground command counts once backgrounded. */
  #watchTasks(tasks: TaskManager): void {
    const started = new Set<string>();
    const onStart = (t: TaskSnapshot) => {
      if (t.foreground || started.has(t.id)) return;
      started.add(t.id);
      if (this.engine.has('TaskStart')) this.#background(this.engine.task('TaskStart', t).then((o) => this.#take('TaskStart', o)));
    };
    tasks.on('start', onStart);
    tasks.on('backgrounded', onStart);
    tasks.on('end', (t: TaskSnapshot) => {
      if (!started.delete(t.id) || !this.engine.has('TaskEnd')) return;
      this.#background(this.engine.task('TaskEnd', t).then((o) => this.#take('TaskEnd', o)));
    });
  }
}

/** Hook output for the model, marked as coming from a hook (a hook cannot close the mark early). */
function hookText(event: HookEvent, text: string): { type: 'text'; text: string } {
  const body = text.replace(/<\/?hook-output/gi, (m) => m.replace('<', '&lt;'));
  return { type: 'text', text: `<hook-output event="${event}">\n${body}\n</hook-output>` };
}

function appendText(content: ToolResultContent, extra: string[]): ToolResultContent {
  if (typeof content === 'string') return [content, ...extra].join('\n\n');
  return [...content, ...extra.map((text) => ({ type: 'text' as const, text }))];
}
