// The agent loop: call the model, run the tools it asks for, repeat until it answers. Everything external
// (model, tools, the before-call hook, event sink) is handed in, so tests drive it with a scripted model.
import type { AgentEvent, AgentResult } from './events.js';
import { appendUserContent, userText } from './messages.js';
import { runToolCalls, type Authorize } from './tool-calls.js';
import type { HarnessMark } from './harness-mark.js';
import {
  addUsage, emptyUsage,
  type AgentTool, type ContentBlock, type Message, type Model, type ModelResponse, type ToolUseBlock, type Usage,
} from './types.js';

export interface AgentLoopOptions {
  model: Model;
  tools: AgentTool[];
  system: string;
  maxTokens?: number;
  /** Model calls allowed in this run; the run stops with outcome 'max_turns' when reached. */
  maxTurns?: number;
  /** Cancels the in-flight request and running tools; the conversation stays valid. */
  signal?: AbortSignal;
  /** Runs right before every model call; blocks it returns are appended to the trailing user message. */
  beforeModelCall?: () => ContentBlock[] | Promise<ContentBlock[]>;
  emit?: (event: AgentEvent) => void;
  /** A tool call still running after this long is abandoned with an error result. */
  toolTimeoutMs?: number;
  /** Runs before each tool call; may deny it (see Authorize). */
  authorize?: Authorize;
  /** Context management (compaction): see ContextHooks. */
  context?: ContextHooks;
  /** The session's harness mark (harness-mark.ts): notes carry it, tool output is shielded from it. */
  mark?: HarnessMark;
}

/**
 * Lets a context manager keep the conversation within the model's window. Both may rewrite `messages` in place
 * (keeping it a valid conversation that ends with a user turn); neither may throw.
 */
export interface ContextHooks {
  /** Before every model call. */
  beforeRequest(messages: Message[], signal?: AbortSignal): Promise<void>;
  /** After every answered request (not failed or interrupted), with its usage: how full the context is. */
  afterResponse(usage: Usage): void;
  /** After a request failed as too long: shrink the conversation and resolve true to send it once more. */
  onPromptTooLong(messages: Message[], signal?: AbortSignal): Promise<boolean>;
}

const MAX_TOKENS_CONTINUATIONS = 3;
export const HARNESS_PREFIX = '[tandem harness]';

/**
 * Runs the conversation forward until the model ends its turn. `messages` is the conversation and is
 * extended in place; it must end with a user message (or the hook must supply one).
 */
export async function runAgent(messages: Message[], opts: AgentLoopOptions): Promise<AgentResult> {
  const emit = opts.emit ?? (() => {});
  const harness = opts.mark?.note ?? HARNESS_PREFIX;
  const specs = opts.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema }));
  let usage = emptyUsage();
  let turns = 0;
  let continuations = 0;
  let shrunk = false;
  // Text of consecutive tool-free replies, so text before a max_tokens cut is not lost from the result.
  let text = '';
  const result = (outcome: AgentResult['outcome'], errorMessage?: string): AgentResult =>
    ({ outcome, text, turns, usage, ...(errorMessage ? { errorMessage } : {}) });

  for (;;) {
    if (opts.signal?.aborted) return result('aborted');
    if (opts.maxTurns !== undefined && turns >= opts.maxTurns) {
      const message = `Stopped after ${turns} model calls (--max-turns ${opts.maxTurns}).`;
      emit({ type: 'error', message });
      return result('max_turns', message);
    }
    const injected = (await opts.beforeModelCall?.()) ?? [];
    if (injected.length) {
      appendUserContent(messages, injected);
      emit({ type: 'injected', blocks: injected });
    }
    if (messages.at(-1)?.role !== 'user') return result('end_turn');

    await opts.context?.beforeRequest(messages, opts.signal);
    turns++;
    emit({ type: 'turn_start', turn: turns });
    const response = await streamResponse(opts.model, {
      system: opts.system,
      messages,
      tools: specs,
      maxTokens: opts.maxTokens ?? 16_384,
      signal: opts.signal,
    }, emit);
    usage = addUsage(usage, response.usage);
    emit({ type: 'usage', usage: response.usage, total: usage });

    if (response.stopReason === 'error' && response.errorKind === 'prompt_too_long' && opts.context && !shrunk
      && !opts.signal?.aborted && (await opts.context.onPromptTooLong(messages, opts.signal))) {
      // Once per run: a conversation still too long after shrinking fails as usual.
      shrunk = true;
      emit({ type: 'retry', attempt: 2, delayMs: 0, reason: 'the prompt was too long, so the conversation was compacted' });
      continue;
    }
    if (response.stopReason !== 'error' && response.stopReason !== 'aborted') opts.context?.afterResponse(response.usage);
    if (response.stopReason === 'error') {
      const message = response.errorMessage ?? 'The model request failed.';
      emit({ type: 'error', message });
      emit({ type: 'turn_end', turn: turns, stopReason: 'error' });
      return result('error', message);
    }
    if (response.stopReason === 'aborted') {
      // Keep what was said; drop half-streamed tool calls, which have no results.
      const said = response.content.filter((b) => b.type === 'text' && b.text.trim());
      if (said.length) messages.push({ role: 'assistant', content: said });
      emit({ type: 'turn_end', turn: turns, stopReason: 'aborted' });
      return result('aborted');
    }

    const content = response.content.filter((b) => b.type !== 'text' || b.text.length > 0);
    const toolUses = content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
    // A call whose arguments did not parse (and not because the reply was cut) is answered with an error
    // result naming the problem, so the model can make it again; at max_tokens the note below says so instead.
    const invalid = response.stopReason === 'max_tokens' ? [] : (response.droppedToolUse ?? []).filter((d) => d.id);
    const invalidCalls: ToolUseBlock[] = invalid.map((d) => ({ type: 'tool_use', id: d.id!, name: d.name, input: {} }));
    content.push(...invalidCalls);
    if (content.length) {
      const message: Message = { role: 'assistant', content };
      messages.push(message);
      emit({ type: 'assistant_message', message, stopReason: response.stopReason });
    }
    if (toolUses.length || invalidCalls.length) {
      text = '';
      const results = await runToolCalls(toolUses, opts.tools, {
        signal: opts.signal, emit, timeoutMs: opts.toolTimeoutMs, authorize: opts.authorize, mark: opts.mark,
      });
      invalid.forEach((d, i) => {
        const result = { content: `Not run: ${d.reason}. Call ${d.name} again with its arguments as one JSON object.`, isError: true };
        emit({ type: 'tool_start', id: d.id!, name: d.name, input: {}, summary: '' });
        emit({ type: 'tool_end', id: d.id!, name: d.name, result, durationMs: 0 });
        // The model reads it as the harness's own word; front ends show it plain.
        results.push({ type: 'tool_result', tool_use_id: invalidCalls[i]!.id, content: opts.mark ? `${harness} ${result.content}` : result.content, is_error: true });
      });
      messages.push({ role: 'user', content: results });
      emit({ type: 'turn_end', turn: turns, stopReason: response.stopReason });
      if (response.stopReason === 'max_tokens') continuations = 0;
      continue;
    }
    text += textOf(content);
    emit({ type: 'turn_end', turn: turns, stopReason: response.stopReason });

    switch (response.stopReason) {
      case 'max_tokens': {
        if (continuations >= MAX_TOKENS_CONTINUATIONS) {
          const message = `The reply hit the max_tokens limit ${continuations + 1} times in a row; stopping.`;
          emit({ type: 'error', message });
          return result('max_tokens', message);
        }
        continuations++;
        const dropped = response.droppedToolUse?.map((d) => d.name).join(', ');
        const note = dropped
          ? `${harness} Your reply hit the max_tokens limit while writing a call to ${dropped}; that call was ` +
            'incomplete and was not run. Make the call again, keeping its input shorter (split large writes).'
          : `${harness} Your reply hit the max_tokens limit and was cut off. Continue exactly where you left off.`;
        appendUserContent(messages, [userText(note)]);
        emit({ type: 'info', message: 'Reply cut at max_tokens; asking the model to continue.' });
        continue;
      }
      case 'pause_turn':
        appendUserContent(messages, [userText(`${harness} Continue.`)]);
        continue;
      case 'refusal':
        return result('refusal', 'The model declined to continue (stop_reason: refusal).');
      case 'model_context_window_exceeded':
        return result('error', 'The conversation no longer fits the model\'s context window.');
      default:
        return result('end_turn');
    }
  }
}

async function streamResponse(
  model: Model,
  request: Parameters<Model['stream']>[0],
  emit: (e: AgentEvent) => void,
): Promise<ModelResponse> {
  try {
    for await (const event of model.stream(request)) {
      switch (event.type) {
        case 'text_delta': emit({ type: 'text_delta', text: event.text }); break;
        case 'thinking_delta': emit({ type: 'thinking_delta', text: event.text }); break;
        case 'retry': emit({ type: 'retry', attempt: event.attempt, delayMs: event.delayMs, reason: event.reason }); break;
        case 'done': return event.response;
      }
    }
    return failed('The model stream ended without a response.');
  } catch (err) {
    // The Model contract says stream never throws; keep the loop alive if one does anyway.
    return failed(`The model provider failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function failed(errorMessage: string): ModelResponse {
  return { content: [], stopReason: 'error', usage: emptyUsage(), errorMessage, errorKind: 'unknown' };
}

function textOf(content: ContentBlock[]): string {
  return content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}
