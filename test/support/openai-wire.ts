// Renders scripted replies as OpenAI's chat-completions and Responses streams, chunk for chunk as the API (or
// Ollama's and llama.cpp's servers, each with its quirks) sends them.
import { randomId, type ReplySpec } from './model-script.js';
import { chunks } from './model-wire.js';

/** Which server the scripted one behaves like. */
export type Flavor = 'openai' | 'ollama' | 'llamacpp';

export interface ChatStreamOptions {
  flavor: Flavor;
  model: string;
  /** The request asked for `stream_options.include_usage`. */
  includeUsage: boolean;
}

const FINISH: Record<string, string> = { end_turn: 'stop', tool_use: 'tool_calls', max_tokens: 'length', refusal: 'content_filter', stop_sequence: 'stop' };

/** The `data:` payloads of a chat-completions stream, `[DONE]` last (none after a stream error or for a hang). */
export function chatChunks(spec: ReplySpec, opts: ChatStreamOptions): string[] {
  const id = `chatcmpl-${randomId(24)}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => JSON.stringify({
    id, object: 'chat.completion.chunk', created, model: opts.model,
    ...(opts.flavor === 'openai' && { system_fingerprint: 'fp_scripted', service_tier: 'default' }),
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra,
  });
  const out = [chunk({ role: 'assistant', content: opts.flavor === 'openai' ? '' : null, ...(opts.flavor === 'openai' && { refusal: null }) })];
  let toolIndex = 0;
  for (const block of spec.blocks) {
    if (block.type === 'text') for (const piece of chunks(block.text, 3)) out.push(chunk({ content: piece }));
    if (block.type === 'thinking') {
      // Ollama names the field `reasoning`; llama.cpp, vLLM and DeepSeek `reasoning_content`.
      const field = opts.flavor === 'ollama' ? 'reasoning' : 'reasoning_content';
      for (const piece of chunks(block.thinking, 3)) out.push(chunk({ [field]: piece }));
    }
    if (block.type === 'tool_use') {
      const index = toolIndex++;
      if (opts.flavor === 'ollama') {
        // Ollama sends each call whole in one chunk.
        out.push(chunk({ tool_calls: [{ id: block.id, index, type: 'function', function: { name: block.name, arguments: block.json } }] }));
      } else {
        // llama.cpp may send no id at all.
        const id = opts.flavor === 'llamacpp' ? undefined : block.id;
        out.push(chunk({ tool_calls: [{ index, ...(id && { id }), type: 'function', function: { name: block.name, arguments: '' } }] }));
        for (const piece of chunks(block.json, 4)) out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    }
  }
  if (spec.streamError) {
    out.push(JSON.stringify({ error: { message: spec.streamError.message, type: spec.streamError.type, param: null, code: null } }));
    return out;
  }
  if (spec.hang) return out;
  const usage = {
    prompt_tokens: spec.usage.input_tokens + spec.usage.cache_read_input_tokens,
    completion_tokens: spec.usage.output_tokens,
    total_tokens: spec.usage.input_tokens + spec.usage.cache_read_input_tokens + spec.usage.output_tokens,
    prompt_tokens_details: { cached_tokens: spec.usage.cache_read_input_tokens },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
  const finish = FINISH[spec.stopReason] ?? 'stop';
  // llama.cpp reports usage with the last chunk, asked or not; Ollama (in this variant) never in the stream.
  if (opts.flavor === 'llamacpp') out.push(chunk({}, finish, { usage }));
  else out.push(chunk({}, finish));
  if (opts.flavor === 'openai' && opts.includeUsage) out.push(JSON.stringify({ id, object: 'chat.completion.chunk', created, model: opts.model, choices: [], usage }));
  out.push('[DONE]');
  return out;
}

export interface SseEvent { event?: string; data: string }

/** The events of a Responses stream, ending in response.completed / incomplete / failed (or nothing, for a hang). */
export function responsesEvents(spec: ReplySpec, model: string): SseEvent[] {
  const responseId = `resp_${randomId(40)}`;
  let sequence = 0;
  const events: SseEvent[] = [];
  const push = (type: string, fields: Record<string, unknown>) => {
    events.push({ event: type, data: JSON.stringify({ type, sequence_number: sequence++, ...fields }) });
  };
  const base = { id: responseId, object: 'response', created_at: Math.floor(Date.now() / 1000), model, store: false, error: null, incomplete_details: null };
  push('response.created', { response: { ...base, status: 'in_progress', output: [], usage: null } });
  push('response.in_progress', { response: { ...base, status: 'in_progress', output: [], usage: null } });
  const output: Record<string, unknown>[] = [];
  spec.blocks.forEach((block, output_index) => {
    if (block.type === 'thinking' || block.type === 'redacted_thinking') {
      const id = `rs_${randomId(40)}`;
      const text = block.type === 'thinking' ? block.thinking : '';
      push('response.output_item.added', { output_index, item: { id, type: 'reasoning', summary: [] } });
      if (text) {
        push('response.reasoning_summary_part.added', { item_id: id, output_index, summary_index: 0, part: { type: 'summary_text', text: '' } });
        for (const delta of chunks(text, 3)) push('response.reasoning_summary_text.delta', { item_id: id, output_index, summary_index: 0, delta });
        push('response.reasoning_summary_text.done', { item_id: id, output_index, summary_index: 0, text });
        push('response.reasoning_summary_part.done', { item_id: id, output_index, summary_index: 0, part: { type: 'summary_text', text } });
      }
      const item = { id, type: 'reasoning', summary: text ? [{ type: 'summary_text', text }] : [], encrypted_content: block.type === 'thinking' ? `enc_${block.signature}` : block.data };
      push('response.output_item.done', { output_index, item });
      output.push(item);
    } else if (block.type === 'text') {
      const id = `msg_${randomId(40)}`;
      push('response.output_item.added', { output_index, item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
      push('response.content_part.added', { item_id: id, output_index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
      for (const delta of chunks(block.text, 3)) push('response.output_text.delta', { item_id: id, output_index, content_index: 0, delta, logprobs: [] });
      push('response.output_text.done', { item_id: id, output_index, content_index: 0, text: block.text, logprobs: [] });
      push('response.content_part.done', { item_id: id, output_index, content_index: 0, part: { type: 'output_text', text: block.text, annotations: [] } });
      const item = { id, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: block.text, annotations: [] }] };
      push('response.output_item.done', { output_index, item });
      output.push(item);
    } else {
      const id = `fc_${randomId(40)}`;
      push('response.output_item.added', { output_index, item: { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: block.id, name: block.name } });
      for (const delta of chunks(block.json, 4)) push('response.function_call_arguments.delta', { item_id: id, output_index, delta });
      push('response.function_call_arguments.done', { item_id: id, output_index, arguments: block.json });
      const item = { id, type: 'function_call', status: 'completed', arguments: block.json, call_id: block.id, name: block.name };
      push('response.output_item.done', { output_index, item });
      output.push(item);
    }
  });
  if (spec.streamError) {
    push('response.failed', { response: { ...base, status: 'failed', output, usage: null, error: { code: spec.streamError.type, message: spec.streamError.message } } });
    return events;
  }
  if (spec.hang) return events;
  const usage = {
    input_tokens: spec.usage.input_tokens + spec.usage.cache_read_input_tokens,
    input_tokens_details: { cached_tokens: spec.usage.cache_read_input_tokens },
    output_tokens: spec.usage.output_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: spec.usage.input_tokens + spec.usage.cache_read_input_tokens + spec.usage.output_tokens,
  };
  if (spec.stopReason === 'max_tokens') {
    push('response.incomplete', { response: { ...base, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output, usage } });
  } else {
    push('response.completed', { response: { ...base, status: 'completed', output, usage } });
  }
  return events;
}

export function formatEvent(event: SseEvent): string {
  return `${event.event ? `event: ${event.event}\n` : ''}data: ${event.data}\n\n`;
}
