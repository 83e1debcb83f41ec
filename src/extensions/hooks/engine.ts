// The hooks engine: runs the matching hooks of an event in parallel, each as Claude Code runs it (JSON on stdin,
// CLAUDE_PROJECT_DIR set, exit 2 blocks with stderr, JSON on stdout read), and folds their answers into one
// outcome per event. A hook that hangs is killed at its timeout and reported; nothing a hook does throws here.
import { oneLine } from '../../core/text.js';
import type { TaskSnapshot } from '../../tasks/types.js';
import { loadPatternEngine } from '../../core/line-pattern.js';
import { isRegexMatcher, matcherMatches, settingsPattern, type HookDefinition, type HookEvent } from './config.js';
import { runHookCommand, type HookProcessResult } from './run-command.js';
import { inputForHook, inputFromHook, toolNamesOf } from './tool-names.js';

export interface HookEngineOptions {
  hooks: readonly HookDefinition[];
  /** The workspace root: hooks run there, with CLAUDE_PROJECT_DIR (and TANDEM_PROJECT_DIR) set to it. */
  projectDir: string;
  /** The environment hooks run with (tandem's command environment: no model keys). */
  env: NodeJS.ProcessEnv;
  /** Facts every event's input carries, read when the event fires. */
  context: () => { sessionId: string; transcriptPath: string; permissionMode: string };
  /** Lines for the person (stderr in print mode, the conversation in the UI). */
  log: (line: string) => void;
}

/** What the hooks of one event said, together. */
export interface HookOutcome {
  /** Exit status 2 or `decision: "block"`: the reasons given (stderr, or `reason`). */
  blocked?: string;
  /** PreToolUse: the strictest `permissionDecision` (deny > ask > allow; legacy approve/block count). */
  permissionDecision?: 'allow' | 'deny' | 'ask';
  permissionReason?: string;
  /** PreToolUse: the input the call runs with instead (the last hook's that gave one, in settings order). */
  updatedInput?: Record<string, unknown>;
  /** Text for the model: `additionalContext`, or plain stdout of UserPromptSubmit and SessionStart hooks. */
  context: string[];
  /** `continue: false`: the turn stops; `stopReason` is shown to the person. */
  stop?: { reason?: string };
  /** How many hooks ran. */
  ran: number;
}

/** Per-run figures, for /hooks and the benchmark. */
export interface HookStats { runs: number; totalMs: number; timeouts: number; failures: number }

const EMPTY: HookOutcome = Object.freeze({ context: [], ran: 0 }) as HookOutcome;
const CAN_BLOCK = new Set<HookEvent>(['PreToolUse', 'PostToolUse', 'UserPromptSubmit', 'Stop', 'SubagentStop']);
const PLAIN_STDOUT_IS_CONTEXT = new Set<HookEvent>(['UserPromptSubmit', 'SessionStart']);

export class HookEngine {
  readonly stats: HookStats = { runs: 0, totalMs: 0, timeouts: 0, failures: 0 };
  readonly #opts: HookEngineOptions;

  constructor(opts: HookEngineOptions) {
    this.#opts = opts;
  }

  /** Every hook in force, in settings order (what /hooks lists). */
  get hooks(): readonly HookDefinition[] {
    return this.#opts.hooks;
  }

  /** True when some hook listens to `event` (callers skip building inputs otherwise). */
  has(event: HookEvent): boolean {
    return this.#opts.hooks.some((h) => h.event === event);
  }

  /**
   * Runs `event`'s hooks whose matcher accepts one of `matchValues` (all of them when undefined), in parallel,
   * with `input` (plus the common fields) as JSON on stdin. Never rejects.
   */
  async run(event: HookEvent, input: Record<string, unknown>, matchValues?: readonly string[], signal?: AbortSignal): Promise<HookOutcome> {
    const seen = new Set<string>();
    // Regex matchers run on the linear-time engine (a settings file's pattern cannot hang tandem): load it first.
    if (matchValues && this.#opts.hooks.some((h) => h.event === event && isRegexMatcher(h.matcher))) await loadPatternEngine();
    const selected = this.#opts.hooks.filter((h) => {
      if (h.event !== event || seen.has(h.command)) return false;
      if (matchValues && !matches(h, matchValues)) return false;
      seen.add(h.command); // the same command listed twice (user and project files) runs once
      return true;
    });
    if (!selected.length) return EMPTY;
    const ctx = this.#opts.context();
    const stdin = JSON.stringify({
      session_id: ctx.sessionId, transcript_path: ctx.transcriptPath, cwd: this.#opts.projectDir,
      permission_mode: ctx.permissionMode, hook_event_name: event, ...input,
    });
    const env = { ...this.#opts.env, CLAUDE_PROJECT_DIR: this.#opts.projectDir, TANDEM_PROJECT_DIR: this.#opts.projectDir };
    const results = await Promise.all(selected.map((hook) => runHookCommand({
      command: hook.command, stdin, cwd: this.#opts.projectDir, env, timeoutMs: hook.timeoutMs, signal,
    })));
    const outcome: HookOutcome = { context: [], ran: selected.length };
    selected.forEach((hook, i) => this.#fold(hook, results[i]!, outcome, signal));
    return outcome;
  }

  #fold(hook: HookDefinition, r: HookProcessResult, out: HookOutcome, signal?: AbortSignal): void {
    this.stats.runs++;
    this.stats.totalMs += r.durationMs;
    const name = `${hook.event} hook \`${oneLine(hook.command, 60)}\` (${hook.source})`;
    const log = this.#opts.log;
    if (r.timedOut) {
      this.stats.timeouts++;
      log(`${name} did not finish within ${hook.timeoutMs / 1000}s and was killed; tandem went on without it`);
      return;
    }
    if (r.spawnError) {
      this.stats.failures++;
      log(`${name} could not start: ${r.spawnError}`);
      return;
    }
    if (r.exitCode === null) {
      if (!signal?.aborted) log(`${name} was killed by a signal`);
      return;
    }
    const stderr = r.stderr.trim();
    if (r.exitCode === 2) {
      if (CAN_BLOCK.has(hook.event)) out.blocked = join(out.blocked, stderr || `${name} exited with status 2 and gave no reason`);
      else log(`${name}: ${stderr || 'exited with status 2'}`);
      return;
    }
    if (r.exitCode !== 0) {
      this.stats.failures++;
      log(`${name} failed (exit status ${r.exitCode})${stderr ? `: ${oneLine(stderr, 200)}` : ''}`);
      return;
    }
    const stdout = r.stdout.trim();
    if (!stdout) return;
    if (!stdout.startsWith('{')) {
      if (PLAIN_STDOUT_IS_CONTEXT.has(hook.event)) out.context.push(stdout);
      return;
    }
    let json: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(stdout);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      json = parsed as Record<string, unknown>;
    } catch (err) {
      this.stats.failures++;
      log(`${name} printed invalid JSON (${(err as Error).message}); its output was ignored: ${oneLine(stdout, 120)}`);
      return;
    }
    readJsonOutput(hook.event, json, out, log);
  }

  // ---- One entry per event: what callers use. ----

  /** PreToolUse: may deny, ask, allow, or rewrite the call's input (in tandem's own fields). */
  async preToolUse(call: { id: string; name: string; input: unknown }, signal?: AbortSignal): Promise<HookOutcome> {
    if (!this.has('PreToolUse')) return EMPTY;
    const names = toolNamesOf(call.name);
    const sent = inputForHook(call.name, call.input);
    const out = await this.run('PreToolUse', { tool_name: names[0], tool_input: sent, tool_use_id: call.id }, names, signal);
    if (out.updatedInput) out.updatedInput = inputFromHook(call.name, out.updatedInput, sent);
    return out;
  }

  /** PostToolUse: `blocked` is feedback for the model about the result; `context` is added to it. */
  async postToolUse(call: { id: string; name: string; input: unknown }, response: { text: string; isError: boolean }, signal?: AbortSignal): Promise<HookOutcome> {
    if (!this.has('PostToolUse')) return EMPTY;
    const names = toolNamesOf(call.name);
    const toolInput = inputForHook(call.name, call.input);
    return this.run('PostToolUse', {
      tool_name: names[0], tool_input: toolInput, tool_use_id: call.id,
      tool_response: { content: response.text, is_error: response.isError, ...(toolInput.file_path ? { filePath: toolInput.file_path } : {}) },
    }, names, signal);
  }

  /** UserPromptSubmit: `blocked` stops the prompt (the reason is for the person); `context` goes with it. */
  userPromptSubmit(prompt: string, signal?: AbortSignal): Promise<HookOutcome> {
    return this.run('UserPromptSubmit', { prompt }, undefined, signal);
  }

  /**
   * Stop and SubagentStop (the agents subsystem calls this with 'SubagentStop' when a subagent finishes):
   * `blocked` is the reason the agent must go on, as its next instruction. `stopHookActive` is true when the
   * agent is already going on because of a Stop hook (hooks use it to avoid loops).
   */
  stop(event: 'Stop' | 'SubagentStop', info: { stopHookActive: boolean; [field: string]: unknown }, signal?: AbortSignal): Promise<HookOutcome> {
    const { stopHookActive, ...extra } = info;
    return this.run(event, { stop_hook_active: stopHookActive, ...extra }, undefined, signal);
  }

  /** SessionStart (matcher: startup, resume, clear, compact): `context` is for the model's first request. */
  sessionStart(source: 'startup' | 'resume' | 'clear' | 'compact'): Promise<HookOutcome> {
    return this.run('SessionStart', { source }, [source]);
  }

  sessionEnd(reason: 'clear' | 'logout' | 'prompt_input_exit' | 'other'): Promise<HookOutcome> {
    return this.run('SessionEnd', { reason }, [reason]);
  }

  preCompact(trigger: 'manual' | 'auto', customInstructions = ''): Promise<HookOutcome> {
    return this.run('PreCompact', { trigger, custom_instructions: customInstructions }, [trigger]);
  }

  /** Notification (matcher: permission_prompt, idle_prompt): tandem needs the person. */
  notification(message: string, type: 'permission_prompt' | 'idle_prompt'): Promise<HookOutcome> {
    return this.run('Notification', { message, notification_type: type }, [type]);
  }

  /** TaskStart / TaskEnd for background tasks; the matcher is searched in the task's command. */
  task(event: 'TaskStart' | 'TaskEnd', t: TaskSnapshot): Promise<HookOutcome> {
    return this.run(event, {
      task_id: t.id, command: t.command, description: t.description, status: t.status, exit_code: t.exitCode,
      signal: t.signal, killed_by: t.killedBy, runtime_ms: t.runtimeMs, log_path: t.logPath,
    }, [t.command]);
  }
}

/** Claude Code's JSON output fields, common and per event. */
function readJsonOutput(event: HookEvent, json: Record<string, unknown>, out: HookOutcome, log: (line: string) => void): void {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);
  if (json.continue === false) out.stop = { reason: str(json.stopReason) ?? out.stop?.reason };
  if (str(json.systemMessage)) log(String(json.systemMessage));
  const specific = json.hookSpecificOutput && typeof json.hookSpecificOutput === 'object' ? json.hookSpecificOutput as Record<string, unknown> : {};
  const reason = str(json.reason);
  if (json.decision === 'block') {
    if (CAN_BLOCK.has(event)) out.blocked = join(out.blocked, reason ?? `a ${event} hook blocked this`);
  }
  if (event === 'PreToolUse') {
    let decision = specific.permissionDecision;
    let why = str(specific.permissionDecisionReason) ?? reason;
    if (decision === undefined && json.decision === 'approve') decision = 'allow';
    if (decision === undefined && json.decision === 'block') { decision = 'deny'; why = reason; }
    if (decision === 'allow' || decision === 'deny' || decision === 'ask') {
      const rank = { allow: 0, ask: 1, deny: 2 } as const;
      if (!out.permissionDecision || rank[decision] > rank[out.permissionDecision]) {
        out.permissionDecision = decision;
        out.permissionReason = why;
      }
    }
    if (specific.updatedInput && typeof specific.updatedInput === 'object' && !Array.isArray(specific.updatedInput)) {
      out.updatedInput = specific.updatedInput as Record<string, unknown>;
    }
  }
  if (str(specific.additionalContext)) out.context.push(String(specific.additionalContext));
}

function matches(hook: HookDefinition, values: readonly string[]): boolean {
  if (hook.event !== 'TaskStart' && hook.event !== 'TaskEnd') return matcherMatches(hook.matcher, values);
  const m = hook.matcher.trim();
  if (!m || m === '*') return true;
  try {
    const re = settingsPattern(m);
    return values.some((v) => re.test(v));
  } catch {
    return values.some((v) => v.includes(m));
  }
}

function join(a: string | undefined, b: string): string {
  return a ? `${a}\n${b}` : b;
}
