// OpenAI chat completions (and the many servers that speak it: OpenRouter, Ollama, llama.cpp, vLLM, LM Studio,
// Groq, DeepSeek, Gemini, xAI, Mistral) as a Model, streamed through the shared retry loop.
import type { ContentBlock, Model, ModelResponse, ModelStreamEvent, StopReason, Usage } from '../core/types.js';
import { emptyUsage } from '../core/types.js';
import { assertEventStream } from './stream-check.js';
import { chatRequestBody } from './openai-chat-request.js';
import { newCallId, openAIParts, parseArguments, usageFrom, type OpenAIModelOptions } from './openai-common.js';
import { createRetryingModel, type StreamAssembler } from './retry-loop.js';
import { ThinkTagSplitter } from './think-tags.js';

/** A streamed chunk read loosely: servers differ in which fields they send. */
interface Chunk {
  choices?: {
    index?: number;
    delta?: {
      content?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: { index?: number; id?: string | null; function?: { name?: string | null; arguments?: string | null } }[];
    };
    finish_reason?: string | null;
  }[];
  usage?: Parameters<typeof usageFrom>[0];
}

export function createOpenAIChatModel(options: OpenAIModelOptions): Model {
  const { client, classify, secrets } = openAIParts(options);
  const compat = options.compat ?? {};
  // Call ids this model has handed out: a server that repeats one across replies (call_0 every time) gets fresh ones.
  const seen = new Set<string>();
  return createRetryingModel<Chunk>(options.model, {
    async open(request, signal) {
      const body = chatRequestBody(options.model, request, compat);
      const { data, response } = await client.chat.completions
        .create(body as unknown as Parameters<typeof client.chat.completions.create>[0], { signal })
        .withResponse();
      assertEventStream(response);
      return data as unknown as AsyncIterable<Chunk>;
    },
    assembler: () => new ChatAssembler(seen),
    classify,
  }, { ...options, secrets, providerName: `the ${options.apiName ?? 'OpenAI'} provider` });
}

interface OpenCall { id: string; name: string; args: string }

const STOP: Record<string, StopReason> = {
  stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', function_call: 'tool_use', content_filter: 'refusal',
};

/** Folds chunks into a response: text, reasoning as thinking, tool calls assembled by index. */
export class ChatAssembler implements StreamAssembler<Chunk> {
  readonly endMarker = 'a finish_reason';
  #text = '';
  #thinking = '';
  #calls: OpenCall[] = [];
  /** Position in #calls of the call each stream index is writing. */
  #byIndex = new Map<number, number>();
  #finishReason?: string;
  #usage?: Usage;
  #seen: Set<string>;
  #tags = new ThinkTagSplitter();

  /** `seen`: ids of earlier replies, which a new call may not reuse. */
  constructor(seen: Set<string> = new Set()) {
    this.#seen = seen;
  }

  get finished(): boolean { return this.#finishReason !== undefined; }
  /** Whole once finished and the usage chunk (which follows the finish) is in. */
  get complete(): boolean { return this.#finishReason !== undefined && this.#usage !== undefined; }

  apply(chunk: Chunk): ModelStreamEvent[] {
    const events: ModelStreamEvent[] = [];
    const usage = usageFrom(chunk.usage);
    if (usage) this.#usage = usage;
    const choice = chunk.choices?.[0];
    const delta = choice?.delta;
    if (delta) {
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (typeof reasoning === 'string' && reasoning) {
        this.#thinking += reasoning;
        events.push({ type: 'thinking_delta', text: reasoning });
      }
      if (typeof delta.content === 'string' && delta.content) events.push(...this.#content(this.#tags.push(delta.content)));
      (delta.tool_calls ?? []).forEach((fragment, position) => {
        const started = this.#fragment(fragment, position);
        if (started) events.push({ type: 'tool_use_start', id: started.id, name: started.name });
      });
    }
    if (choice?.finish_reason) {
      this.#finishReason = choice.finish_reason;
      events.push(...this.#content(this.#tags.flush()));
    }
    return events;
  }

  #content(pieces: { kind: 'text' | 'thinking'; text: string }[]): ModelStreamEvent[] {
    return pieces.map((p) => {
      if (p.kind === 'thinking') this.#thinking += p.text;
      else this.#text += p.text;
      return { type: p.kind === 'thinking' ? 'thinking_delta' : 'text_delta', text: p.text };
    });
  }

  /** Adds a fragment to its call; returns the call when this fragment starts a new one. */
  #fragment(fragment: NonNullable<NonNullable<NonNullable<Chunk['choices']>[number]['delta']>['tool_calls']>[number], position: number): OpenCall | undefined {
    // Servers that send whole calls may leave out the index; their place in the list stands in for it.
    const index = fragment.index ?? position;
    const id = fragment.id ?? undefined;
    const name = fragment.function?.name ?? undefined;
    const args = fragment.function?.arguments ?? '';
    const at = this.#byIndex.get(index);
    const open = at === undefined ? undefined : this.#calls[at];
    // A new id at an index whose call is already whole is a new call (some servers reuse index 0 for each).
    const isNew = !open || (id && open.id !== id && open.name !== '' && name !== undefined && name !== '');
    if (isNew) {
      const taken = id !== undefined && (this.#seen.has(id) || this.#calls.some((c) => c.id === id));
      const call: OpenCall = { id: id && !taken ? id : newCallId(), name: name ?? '', args };
      this.#byIndex.set(index, this.#calls.push(call) - 1);
      return call.name ? call : undefined;
    }
    const wasNameless = open.name === '';
    if (name && open.name === '') open.name = name;
    else if (name && open.name !== name && !open.name.endsWith(name)) open.name += name;
    open.args += args;
    return wasNameless && open.name ? open : undefined;
  }

  finish(stopReason?: StopReason): ModelResponse {
    const content: ContentBlock[] = [];
    const dropped: NonNullable<ModelResponse['droppedToolUse']> = [];
    const calls = this.#calls.filter((c) => c.name !== '' || c.args !== '');
    const stop = stopReason ?? (calls.length > 0 && this.#finishReason !== 'length' ? 'tool_use' : STOP[this.#finishReason ?? 'stop'] ?? 'end_turn');
    if (this.#thinking) content.push({ type: 'thinking', thinking: this.#thinking, signature: '', origin: 'openai-chat' });
    if (this.#text) content.push({ type: 'text', text: this.#text });
    for (const call of calls) {
      const parsed = parseArguments(call.args);
      if (!call.name) dropped.push({ id: call.id, name: '(unnamed)', reason: 'the call had no tool name' });
      else if (parsed.ok) content.push({ type: 'tool_use', id: call.id, name: call.name, input: parsed.value });
      else dropped.push({ id: call.id, name: call.name, reason: `${parsed.reason} (stop reason: ${stop})` });
    }
    if (stop !== 'aborted') for (const call of calls) this.#seen.add(call.id);
    return { content, stopReason: stop, usage: this.#usage ?? emptyUsage(), ...(dropped.length > 0 && { droppedToolUse: dropped }) };
  }
}
