// Claude Code's headless protocol (`--input-format stream-json --output-format stream-json --verbose`): user
// messages and control requests in on stdin, one JSON message per line out, in one process for many prompts.
// This is what the Claude Agent SDK drives. A background task that ends while the agent is idle wakes it, as
// in the REPL; when input ends, running background tasks are waited for (--wait-tasks) and reported first.
import readline from 'node:readline';
import type { ContentBlock } from '../../core/types.js';
import { costOfAll, costOf } from '../../session/pricing.js';
import type { TurnResult } from '../../session/runtime.js';
import type { Session } from '../../session/session.js';
import type { ApprovalAnswer, ApprovalRequest } from '../../workspace/approval.js';
import { MODES, type Mode } from '../../workspace/permissions/types.js';
import { claudeToolName } from '../../tools/claude-names.js';
import type { Config } from '../config.js';
import { runSlashCommand, SLASH_COMMANDS } from '../slash-commands.js';
import { prepareCommand, type PreparedCommand } from '../../session/command-prompt.js';
import { ControlChannel, type ControlPayload } from './control.js';
import type { SdkMcpBridge } from './sdk-mcp.js';
import { sdkPreToolUseHook, type SdkHooks } from './sdk-hooks.js';
import {
  permissionDenials, roundUsd, SdkTurnWriter, taskNotificationMessage, taskStartedMessage, type SdkMessage,
} from './sdk-messages.js';

export interface StreamJsonOptions {
  /** Read prompts and control requests from stdin (--input-format stream-json); else run `prompt` alone. */
  streamInput: boolean;
  prompt?: string;
  includePartialMessages: boolean;
  /** --permission-prompt-tool stdio: questions go to the SDK as can_use_tool requests. */
  permissionPromptStdio: boolean;
  version: string;
  stdin: NodeJS.ReadableStream;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  signal: AbortSignal;
  /** The SDK program's in-process MCP servers, reached with mcp_message requests. */
  mcpBridge?: SdkMcpBridge;
}

const SDK_PROTOCOL_VERSION = '2.1.0';

export async function runStreamJson(session: Session<Config>, opts: StreamJsonOptions): Promise<number> {
  const rt = session.runtime;
  const write = (message: SdkMessage) => opts.stdout(`${JSON.stringify(message)}\n`);
  const control = new ControlChannel(write);
  const queue: ContentBlock[][] = [];
  let current: AbortController | undefined;
  let pumping = false;
  let inputEnded = !opts.streamInput;
  let lastFailed = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => { finish = resolve; });

  // A denial with `interrupt: true` also ends the turn, as in Claude Code.
  const interruptTurn = () => current?.abort(new Error('interrupted by the permission callback'));
  if (opts.permissionPromptStdio) session.onPermissionRequest((request, signal) => askSdk(control, request, interruptTurn, signal));
  rt.tasks.on('start', (t) => { if (!t.foreground) write(taskStartedMessage(t, session.id)); });
  rt.tasks.on('backgrounded', (t) => write(taskStartedMessage(t, session.id)));
  rt.tasks.on('notice', (notice) => {
    write(taskNotificationMessage(notice, session.id));
    if (rt.config.notify === 'wake' && !inputEnded) void pump();
  });
  rt.tasks.on('matched', () => { if (rt.config.notify === 'wake' && !inputEnded) void pump(); });

  const runPrompt = async (content: ContentBlock[] | undefined) => {
    write(initMessage(session, opts.version));
    const command = slashCommandOf(content);
    if (command) {
      // A slash command (`/compact`, `/cost`, ...) runs as in the REPL; its reply is the result.
      const started = Date.now();
      const reply = await runSlashCommand(command, rt);
      write({
        type: 'result', subtype: 'success', is_error: false, duration_ms: Date.now() - started, duration_api_ms: 0,
        num_turns: 0, result: reply.text, stop_reason: null, session_id: session.id, total_cost_usd: 0,
        usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
        modelUsage: {}, permission_denials: [], uuid: crypto.randomUUID(),
      });
      return;
    }
    const turn = new AbortController();
    current = turn;
    // A custom command (`/review src/`) goes to the model as its expansion.
    let prepared: PreparedCommand | undefined;
    const typed = content?.length === 1 && content[0]!.type === 'text' ? content[0]!.text : undefined;
    if (typed?.trim().startsWith('/')) {
      try {
        prepared = await prepareCommand(rt, typed, turn.signal);
      } catch (err) {
        opts.stderr(`tandem: ${(err as Error).message}\n`);
      }
    }
    if (prepared) rt.addUserMessage(prepared.content);
    else if (content) rt.addUserMessage(content);
    const onOuterAbort = () => turn.abort(opts.signal.reason);
    opts.signal.addEventListener('abort', onOuterAbort, { once: true });
    const started = Date.now();
    const denialsBefore = rt.denials.length;
    const usageBefore = structuredClone(rt.session.recorder.usageByModel);
    const writer = new SdkTurnWriter(session.id, session.model, write, { includePartialMessages: opts.includePartialMessages });
    try {
      const result = await rt.runTurn({ signal: turn.signal, emit: (e) => writer.onEvent(e), maxTurns: rt.config.maxTurns });
      const subtype = result.budgetExceeded ? 'error_max_budget_usd'
        : result.outcome === 'end_turn' ? 'success' : result.outcome === 'max_turns' ? 'error_max_turns' : 'error_during_execution';
      lastFailed = subtype !== 'success';
      const usageAfter = rt.session.recorder.usageByModel;
      write({
        type: 'result',
        subtype,
        is_error: lastFailed,
        duration_ms: Date.now() - started,
        duration_api_ms: writer.apiMs,
        num_turns: result.turns,
        result: result.text,
        stop_reason: result.outcome === 'end_turn' ? 'end_turn' : null,
        session_id: session.id,
        total_cost_usd: roundUsd((costOfAll(usageAfter) ?? 0) - (costOfAll(usageBefore) ?? 0)),
        usage: result.usage,
        modelUsage: modelUsage(usageAfter, usageBefore, rt.contextWindow),
        permission_denials: permissionDenials(rt.denials.slice(denialsBefore)),
        ...(lastFailed ? { errors: [errorText(result, rt.config.maxBudgetUsd)] } : {}),
        uuid: crypto.randomUUID(),
      });
    } finally {
      await prepared?.finish();
      opts.signal.removeEventListener('abort', onOuterAbort);
      current = undefined;
    }
  };

  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      for (;;) {
        if (opts.signal.aborted) break;
        const next = queue.shift();
        if (next) { await runPrompt(next); continue; }
        if (rt.config.notify === 'wake' && !inputEnded && rt.tasks.pendingNotices() > 0) { await runPrompt(undefined); continue; }
        break;
      }
    } finally {
      pumping = false;
    }
    if (inputEnded) await wrapUp();
  };

  let wrappingUp = false;
  /** Input is over: let running background tasks end (bounded) and give the model a turn with their notices. */
  const wrapUp = async () => {
    if (wrappingUp) return;
    wrappingUp = true;
    const running = rt.tasks.list().filter((t) => t.status === 'running' && !t.foreground);
    if (running.length && !opts.signal.aborted) {
      opts.stderr(`tandem: waiting for ${running.length} background task(s): ${running.map((t) => t.id).join(', ')}\n`);
      await rt.tasks.wait(running.map((t) => t.id), 'all', rt.config.waitTasksSec * 1000, opts.signal);
    }
    if (rt.tasks.pendingNotices() > 0 && !opts.signal.aborted) await runPrompt(undefined);
    finish();
  };

  const hookContext = {
    sessionId: session.id, transcriptPath: session.transcriptPath, cwd: session.workspaceRoot,
    permissionMode: () => session.permissionMode,
  };
  const onControlRequest = async (id: string, request: ControlPayload & { subtype?: string }) => {
    switch (request.subtype) {
      case 'initialize': {
        opts.mcpBridge?.attach(control);
        // The SDK program's in-process MCP servers are named here (not in --mcp-config), as Claude Code gets them.
        const sdkServers = Array.isArray(request.sdkMcpServers) ? request.sdkMcpServers.filter((n): n is string => typeof n === 'string') : [];
        if (sdkServers.length && opts.mcpBridge) {
          await rt.addMcpServers(sdkServers.map((name) => ({ name, type: 'sdk' as const, scope: 'flag' as const, source: 'the SDK program' })));
        }
        const pre = sdkPreToolUseHook(request.hooks as SdkHooks | undefined, control, hookContext);
        if (pre) session.addToolHook(pre);
        const system = request.systemPrompt;
        const override = Array.isArray(system) ? system.join('\n\n') : typeof system === 'string' ? system : undefined;
        const append = typeof request.appendSystemPrompt === 'string' ? request.appendSystemPrompt : undefined;
        if (override !== undefined || append !== undefined) {
          rt.setSystemPrompt({ override: override ?? rt.config.systemPrompt, append: [rt.config.appendSystemPrompt, append].filter(Boolean).join('\n\n') || undefined });
        }
        return control.respond(id, {
          commands: [], agents: [], output_style: 'default', available_output_styles: ['default'],
          models: [{ value: session.model, displayName: session.model, description: 'the model tandem was started with' }],
          account: {}, claude_code_version: SDK_PROTOCOL_VERSION, hooks_applied: !!pre,
        });
      }
      case 'interrupt':
        current?.abort(new Error('interrupted by the SDK'));
        return control.respond(id);
      case 'set_permission_mode': {
        const mode = request.mode as string;
        if (!(MODES as readonly string[]).includes(mode)) return control.respondError(id, `tandem has no permission mode "${mode}"; it has ${MODES.join(', ')}`);
        session.setPermissionMode(mode as Mode);
        return control.respond(id, { mode });
      }
      case 'set_model': {
        const model = typeof request.model === 'string' && request.model ? request.model : rt.config.model;
        session.setModel(model);
        return control.respond(id, { model });
      }
      case 'stop_task': {
        const taskId = String(request.task_id ?? '');
        try {
          await rt.tasks.kill(taskId, 'user');
          return control.respond(id);
        } catch (err) {
          return control.respondError(id, (err as Error).message);
        }
      }
      case 'mcp_message':
        if (!opts.mcpBridge) return control.respondError(id, 'no SDK MCP server was given to tandem (--mcp-config with "type": "sdk")');
        return control.respond(id, opts.mcpBridge.onSdkMessage(request));
      case 'mcp_status':
        return control.respond(id, { mcpServers: mcpServersOf(session) });
      default:
        return control.respondError(id, `tandem does not support the control request "${String(request.subtype)}"`);
    }
  };

  if (opts.streamInput) {
    const rl = readline.createInterface({ input: opts.stdin, crlfDelay: Infinity });
    rl.on('line', (line) => {
      if (!line.trim()) return;
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        opts.stderr(`tandem: stdin: not a JSON line, ignored: ${line.slice(0, 80)}\n`);
        return;
      }
      if (message.type === 'control_request') {
        const id = String(message.request_id ?? '');
        void onControlRequest(id, (message.request ?? {}) as ControlPayload).catch((err: Error) => control.respondError(id, err.message));
      } else if (message.type === 'control_response') {
        control.onResponse(message as Parameters<ControlChannel['onResponse']>[0]);
      } else if (message.type === 'user') {
        opts.mcpBridge?.attach(control);
        const content = (message.message as { content?: unknown } | undefined)?.content;
        const blocks = typeof content === 'string' ? [{ type: 'text' as const, text: content }] : Array.isArray(content) ? content as ContentBlock[] : [];
        if (!blocks.length) {
          opts.stderr('tandem: stdin: a user message without content, ignored\n');
          return;
        }
        queue.push(blocks);
        void pump();
      }
    });
    rl.on('close', () => {
      inputEnded = true;
      control.close();
      if (!pumping) void wrapUp();
    });
  } else {
    queue.push([{ type: 'text', text: opts.prompt ?? '' }]);
    void pump();
  }
  opts.signal.addEventListener('abort', () => { current?.abort(opts.signal.reason); finish(); }, { once: true });
  await finished;
  if (opts.signal.aborted) return 130;
  return lastFailed ? 1 : 0;
}

/** The text of a prompt that is one of tandem's slash commands (not /exit: input ending is how to leave). */
function slashCommandOf(content: ContentBlock[] | undefined): string | undefined {
  if (content?.length !== 1 || content[0]!.type !== 'text') return undefined;
  const text = content[0]!.text.trim();
  const name = text.split(/\s/)[0];
  const known = Object.keys(SLASH_COMMANDS).map((c) => c.split(' ')[0]).filter((c) => c !== '/exit');
  return known.includes(name) ? text : undefined;
}

function errorText(result: TurnResult, budget: number | undefined): string {
  if (result.budgetExceeded) return `Stopped: this run spent more than $${budget} (--max-budget-usd).`;
  return result.errorMessage ?? (result.outcome === 'aborted' ? 'interrupted' : result.outcome);
}

/** Each MCP server as Claude Code reports it: name and status (connected, failed, pending). */
function mcpServersOf(session: Session<Config>): { name: string; status: string }[] {
  return (session.runtime.mcp?.status() ?? []).map((s) => ({
    name: s.name, status: s.state === 'connected' ? 'connected' : s.state === 'connecting' ? 'pending' : 'failed',
  }));
}

function initMessage(session: Session<Config>, version: string): SdkMessage {
  return {
    type: 'system', subtype: 'init', cwd: session.workspaceRoot, session_id: session.id,
    tools: [...new Set(session.tools.map((t) => claudeToolName(t.name)))], mcp_servers: mcpServersOf(session), model: session.model,
    permissionMode: session.permissionMode,
    slash_commands: [
      ...Object.keys(SLASH_COMMANDS).map((c) => c.split(' ')[0]!.slice(1)).filter((c) => c !== 'exit'),
      ...session.runtime.commands.list().map((c) => c.name.slice(1)),
    ],
    skills: session.runtime.skills.map((s) => s.name),
    apiKeySource: 'ANTHROPIC_API_KEY',
    claude_code_version: SDK_PROTOCOL_VERSION, tandem_version: version, output_style: 'default', agents: [], plugins: [],
    uuid: crypto.randomUUID(),
  };
}

function modelUsage(after: Record<string, import('../../core/types.js').Usage>, before: Record<string, import('../../core/types.js').Usage>, contextWindow: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [model, u] of Object.entries(after)) {
    const b = before[model];
    const d = {
      input_tokens: u.input_tokens - (b?.input_tokens ?? 0), output_tokens: u.output_tokens - (b?.output_tokens ?? 0),
      cache_read_input_tokens: u.cache_read_input_tokens - (b?.cache_read_input_tokens ?? 0),
      cache_creation_input_tokens: u.cache_creation_input_tokens - (b?.cache_creation_input_tokens ?? 0),
    };
    if (!d.input_tokens && !d.output_tokens && !d.cache_read_input_tokens && !d.cache_creation_input_tokens) continue;
    out[model] = {
      inputTokens: d.input_tokens, outputTokens: d.output_tokens, cacheReadInputTokens: d.cache_read_input_tokens,
      cacheCreationInputTokens: d.cache_creation_input_tokens, webSearchRequests: 0,
      costUSD: roundUsd(costOf(model, d) ?? 0), contextWindow,
    };
  }
  return out;
}

/** can_use_tool: the SDK program's canUseTool callback answers. */
async function askSdk(control: ControlChannel, request: ApprovalRequest, interrupt: () => void, signal?: AbortSignal): Promise<ApprovalAnswer> {
  const response = await control.request({
    subtype: 'can_use_tool',
    tool_name: claudeToolName(request.tool),
    input: request.input ?? {},
    tool_use_id: request.toolUseId,
    decision_reason: request.reason,
    ...(request.suggestedRule ? { permission_suggestions: [{ type: 'addRules', rules: [ruleValue(request.suggestedRule)], behavior: 'allow', destination: 'session' }] } : {}),
  }, signal).catch((err: Error): ControlPayload => ({ behavior: 'deny', message: `Nobody could answer the permission question: ${err.message}` }));
  if (response.behavior === 'allow') {
    const updated = response.updatedInput;
    return { kind: 'once', ...(updated && typeof updated === 'object' ? { updatedInput: updated as Record<string, unknown> } : {}) };
  }
  const message = typeof response.message === 'string' && response.message ? response.message : `The SDK's permission callback denied this ${claudeToolName(request.tool)} call.`;
  if (response.interrupt === true) queueMicrotask(interrupt);
  return { kind: 'deny', message };
}

function ruleValue(rule: string): { toolName: string; ruleContent?: string } {
  const m = /^([^(]+)\((.*)\)$/s.exec(rule);
  return m ? { toolName: m[1]!, ruleContent: m[2]! } : { toolName: rule };
}
