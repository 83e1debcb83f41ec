// Renders scripted replies in the Messages API wire format: SSE events, a JSON message, error bodies.
import type { Message, ToolSpec } from '../../src/core/types.js';
import { randomId, type ReplySpec, type ScriptedBlock } from './model-script.js';

/** A Messages API request body as a client sends it (not validated; see model-validate.ts). */
export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  messages: Message[];
  system?: string | { type: 'text'; text: string }[];
  tools?: ToolSpec[];
  stream?: boolean;
  [key: string]: unknown;
}

export interface SseEvent { event: string; data: Record<string, unknown> }

export function formatSse(event: SseEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

export function errorBody(type: string, message: string, requestId: string): Record<string, unknown> {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

export function messageId(): string {
  return `msg_01${randomId(22)}`;
}

export function requestId(): string {
  return `req_011C${randomId(20)}`;
}

/** Splits text into up to `parts` pieces on code-point boundaries, as the API streams it. */
export function chunks(text: string, parts: number): string[] {
  const points = Array.from(text);
  if (points.length <= 1) return [text];
  const size = Math.ceil(points.length / parts);
  const out: string[] = [];
  for (let i = 0; i < points.length; i += size) out.push(points.slice(i, i + size).join(''));
  return out;
}

/** The full event sequence of a streamed reply, ending in message_stop, an error event, or (hang) neither. */
export function replyEvents(spec: ReplySpec, model: string, id: string): SseEvent[] {
  const { usage } = spec;
  const events: SseEvent[] = [{
    event: 'message_start',
    data: {
      type: 'message_start',
      message: {
        id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null,
        usage: { ...usage, output_tokens: Math.min(1, usage.output_tokens) },
      },
    },
  }];
  spec.blocks.forEach((block, index) => {
    events.push(event('content_block_start', { index, content_block: startOf(block) }));
    if (index === 0) events.push(event('ping', {}));
    for (const delta of deltasOf(block)) events.push(event('content_block_delta', { index, delta }));
    events.push(event('content_block_stop', { index }));
  });
  if (spec.streamError) {
    events.push({ event: 'error', data: { type: 'error', error: spec.streamError } });
  } else if (!spec.hang) {
    events.push(event('message_delta', {
      delta: { stop_reason: spec.stopReason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }));
    events.push(event('message_stop', {}));
  }
  return events;
}

/** The non-streaming response body of a reply. */
export function replyMessage(spec: ReplySpec, model: string, id: string): Record<string, unknown> {
  return {
    id, type: 'message', role: 'assistant', model, content: spec.blocks.map(finalOf),
    stop_reason: spec.stopReason, stop_sequence: null, usage: spec.usage,
  };
}

function event(type: string, fields: Record<string, unknown>): SseEvent {
  return { event: type, data: { type, ...fields } };
}

function startOf(block: ScriptedBlock): Record<string, unknown> {
  switch (block.type) {
    case 'text': return { type: 'text', text: '' };
    case 'thinking': return { type: 'thinking', thinking: '' };
    case 'redacted_thinking': return { type: 'redacted_thinking', data: block.data };
    case 'tool_use': return { type: 'tool_use', id: block.id, name: block.name, input: {} };
  }
}

function deltasOf(block: ScriptedBlock): Record<string, unknown>[] {
  switch (block.type) {
    case 'text': return chunks(block.text, 3).map((text) => ({ type: 'text_delta', text }));
    case 'thinking': return [
      ...chunks(block.thinking, 3).map((thinking) => ({ type: 'thinking_delta', thinking })),
      { type: 'signature_delta', signature: block.signature },
    ];
    case 'redacted_thinking': return [];
    case 'tool_use': return ['', ...chunks(block.json, 4)].map((partial_json) => ({ type: 'input_json_delta', partial_json }));
  }
}

function finalOf(block: ScriptedBlock): Record<string, unknown> {
  if (block.type !== 'tool_use') return { ...block };
  let input: unknown = {};
  try { input = JSON.parse(block.json); } catch { /* a scripted broken input reads as {} when not streamed */ }
  return { type: 'tool_use', id: block.id, name: block.name, input };
}
