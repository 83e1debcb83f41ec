// The OpenAI Responses API as a Model (GPT-5, o-series, codex models): stateless (`store: false`), with
// encrypted reasoning items carried across turns so a reasoning model keeps its chain between tool calls.
import type { ContentBlock, Message, Model, ModelRequest, ModelResponse, ModelStreamEvent, StopReason, Usage } from '../core/types.js';
import { emptyUsage } from '../core/types.js';
import { StreamEventError } from './errors.js';
import {
  imageUrls, newCallId, openAIParts, parametersOf, parseArguments, resultText, usageFrom, wireToolCallId, type OpenAIModelOptions,
} from './openai-common.js';
import { withReasoningFor } from './reasoning.js';
import { createRetryingModel, type StreamAssembler } from './retry-loop.js';
import { assertEventStream } from './stream-check.js';

type InputItem = Record<string, unknown>;

export function createOpenAIResponsesModel(options: OpenAIModelOptions): Model {
  const { client, classify, secrets } = openAIParts(options);
  // Reasoning summaries need a verified organisation; a key without one is refused once, then asked without.
  let summaries = true;
  const send = (body: Record<string, unknown>, signal: AbortSignal) => client.responses
    .create(body as unknown as Parameters<typeof client.responses.create>[0], { signal })
    .withResponse();
  return createRetryingModel<ResponsesEvent>(options.model, {
    async open(request, signal) {
      const body = responsesRequestBody(options, request, summaries);
      let sent;
      try {
        sent = await send(body, signal);
      } catch (error) {
        const refusedSummary = body.reasoning !== undefined && (error as { status?: number }).status === 400 && /summar/i.test(String((error as Error).message));
        if (!refusedSummary) throw error;
        summaries = false;
        sent = await send(responsesRequestBody(options, request, false), signal);
      }
      assertEventStream(sent.response);
      return sent.data as unknown as AsyncIterable<ResponsesEvent>;
    },
    assembler: () => new ResponsesAssembler(),
    classify,
  }, { ...options, secrets, providerName: `the ${options.apiName ?? 'OpenAI'} provider` });
}

export function responsesRequestBody(options: OpenAIModelOptions, request: ModelRequest, summaries = true): Record<string, unknown> {
  const reasoning = options.reasoning === true && options.compat?.encryptedReasoning !== false;
  const ids = (id: string) => wireToolCallId(id, options.compat?.toolCallIds);
  const input: InputItem[] = [];
  for (const message of withReasoningFor(request.messages, (origin) => origin === 'openai-responses')) {
    input.push(...(message.role === 'assistant' ? assistantItems(message, ids) : userItems(message, ids)));
  }
  return {
    model: options.model,
    ...(request.system && { instructions: request.system }),
    input,
    ...(request.tools.length > 0 && {
      tools: request.tools.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: parametersOf(t.input_schema), strict: false })),
    }),
    max_output_tokens: request.maxTokens,
    stream: true,
    store: false,
    ...(reasoning && { include: ['reasoning.encrypted_content'] }),
    ...(reasoning && summaries && { reasoning: { summary: 'auto' } }),
  };
}

function assistantItems(message: Message, ids: (id: string) => string): InputItem[] {
  const items: InputItem[] = [];
  for (const block of message.content) {
    if (block.type === 'thinking' && block.origin === 'openai-responses' && block.signature) {
      items.push({
        type: 'reasoning', ...(block.itemId && { id: block.itemId }), encrypted_content: block.signature,
        summary: block.thinking ? [{ type: 'summary_text', text: block.thinking }] : [],
      });
    } else if (block.type === 'text' && block.text) {
      items.push({ role: 'assistant', content: block.text });
    } else if (block.type === 'tool_use') {
      items.push({ type: 'function_call', call_id: ids(block.id), name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    }
  }
  return items;
}

function userItems(message: Message, ids: (id: string) => string): InputItem[] {
  const items: InputItem[] = [];
  const parts: Record<string, unknown>[] = [];
  for (const block of message.content) {
    if (block.type === 'tool_result') {
      const text = resultText(block.content);
      items.push({ type: 'function_call_output', call_id: ids(block.tool_use_id), output: block.is_error ? `Error: ${text}` : text || '(no output)' });
      for (const url of imageUrls(block.content)) parts.push({ type: 'input_image', image_url: url });
    } else if (block.type === 'text' && block.text) {
      parts.push({ type: 'input_text', text: block.text });
    } else if ((block as { type: string }).type === 'image') {
      for (const url of imageUrls([block])) parts.push({ type: 'input_image', image_url: url });
    }
  }
  if (parts.length > 0) items.push({ role: 'user', content: parts });
  return items;
}

/** A Responses stream event, read loosely. */
interface ResponsesEvent {
  type: string;
  output_index?: number;
  delta?: string;
  item?: OutputItem;
  response?: { status?: string; usage?: Parameters<typeof usageFrom>[0]; incomplete_details?: { reason?: string } | null; error?: { code?: string; message?: string } | null };
  code?: string;
  message?: string;
}

interface OutputItem {
  type: string;
  id?: string;
  call_id?: string;
  name?: string;
  arguments?: string;
  encrypted_content?: string | null;
  summary?: { text?: string }[];
  content?: { type?: string; text?: string }[];
}

interface OpenItem { item: OutputItem; text: string; args: string; done: boolean }

export class ResponsesAssembler implements StreamAssembler<ResponsesEvent> {
  readonly endMarker = 'response.completed';
  complete = false;
  #items = new Map<number, OpenItem>();
  #status?: string;
  #incomplete?: string;
  #usage?: Usage;

  apply(event: ResponsesEvent): ModelStreamEvent[] {
    const at = event.output_index ?? -1;
    const open = this.#items.get(at);
    switch (event.type) {
      case 'response.output_item.added': {
        if (!event.item) return [];
        const item = { ...event.item };
        if (item.type === 'function_call' && !item.call_id) item.call_id = newCallId();
        this.#items.set(at, { item, text: '', args: item.arguments ?? '', done: false });
        return item.type === 'function_call' && item.name ? [{ type: 'tool_use_start', id: item.call_id!, name: item.name }] : [];
      }
      case 'response.output_text.delta':
        if (open && event.delta) open.text += event.delta;
        return event.delta ? [{ type: 'text_delta', text: event.delta }] : [];
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        if (open && event.delta) open.text += event.delta;
        return event.delta ? [{ type: 'thinking_delta', text: event.delta }] : [];
      case 'response.reasoning_summary_part.done':
        if (open) open.text += '\n\n';
        return [];
      case 'response.function_call_arguments.delta':
        if (open && event.delta) open.args += event.delta;
        return [];
      case 'response.output_item.done':
        if (event.item) {
          const callId = open?.item.call_id;
          this.#items.set(at, { item: { ...event.item, call_id: event.item.call_id || callId || newCallId() }, text: open?.text ?? '', args: open?.args ?? '', done: true });
        }
        return [];
      case 'response.completed':
      case 'response.incomplete':
        this.#status = event.response?.status ?? (event.type === 'response.completed' ? 'completed' : 'incomplete');
        this.#incomplete = event.response?.incomplete_details?.reason ?? undefined;
        this.#usage = usageFrom(event.response?.usage);
        this.complete = true;
        return [];
      case 'response.failed': {
        const error = event.response?.error;
        throw new StreamEventError(error?.message ?? 'the response failed', error?.code ?? 'server_error', error?.code ?? undefined);
      }
      case 'error':
        throw new StreamEventError(event.message ?? 'error', event.code ?? 'error', event.code);
      default:
        return [];
    }
  }

  finish(stopReason?: StopReason): ModelResponse {
    const content: ContentBlock[] = [];
    const dropped: NonNullable<ModelResponse['droppedToolUse']> = [];
    const items = [...this.#items].sort(([a], [b]) => a - b).map(([, v]) => v);
    const calls = items.some((o) => o.item.type === 'function_call');
    const stop: StopReason = stopReason
      ?? (this.#incomplete === 'max_output_tokens' ? 'max_tokens' : this.#incomplete === 'content_filter' ? 'refusal' : calls ? 'tool_use' : 'end_turn');
    for (const { item, text, args, done } of items) {
      if (item.type === 'reasoning') {
        const summary = item.summary?.map((s) => s.text ?? '').filter(Boolean).join('\n\n') || text.trim();
        content.push({ type: 'thinking', thinking: summary, signature: item.encrypted_content ?? '', origin: 'openai-responses', ...(item.id && { itemId: item.id }) });
      } else if (item.type === 'message') {
        const said = done && item.content ? item.content.map((p) => (p.type === 'output_text' ? p.text ?? '' : '')).join('') : text;
        if (said) content.push({ type: 'text', text: said });
      } else if (item.type === 'function_call') {
        const json = done && typeof item.arguments === 'string' ? item.arguments : args;
        const parsed = parseArguments(json);
        const id = item.call_id!;
        if (parsed.ok) content.push({ type: 'tool_use', id, name: item.name ?? '', input: parsed.value });
        else dropped.push({ id, name: item.name ?? '(unnamed)', reason: `${parsed.reason} (stop reason: ${stop})` });
      }
    }
    return { content, stopReason: stop, usage: this.#usage ?? emptyUsage(), ...(dropped.length > 0 && { droppedToolUse: dropped }) };
  }
}
