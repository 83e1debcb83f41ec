// Assembles one attempt's raw Messages API stream events into a ModelResponse, emitting deltas as they arrive.
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { emptyUsage, type ContentBlock, type ModelResponse, type ModelStreamEvent, type StopReason, type Usage } from '../core/types.js';

type OpenBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; json: string };

/** An SDK event part read loosely, so block and delta types newer than this code pass through harmlessly. */
type Loose = { type: string; [key: string]: unknown };

const STOP_REASONS: readonly string[] = [
  'end_turn', 'tool_use', 'max_tokens', 'stop_sequence', 'refusal', 'pause_turn', 'model_context_window_exceeded',
];

/** Built fresh per attempt, so a retried request never appends to what a broken one streamed. */
export class ResponseAssembler {
  /** True once `message_stop` arrived: the response is whole. */
  complete = false;
  #blocks = new Map<number, OpenBlock>();
  #usage: Usage = emptyUsage();
  #stopReason: StopReason = 'end_turn';

  /** Folds one event in and returns the stream events it produces. */
  apply(event: RawMessageStreamEvent): ModelStreamEvent[] {
    switch (event.type) {
      case 'message_start':
        this.#mergeUsage(event.message.usage);
        return [];
      case 'content_block_start':
        return this.#start(event.index, event.content_block as unknown as Loose);
      case 'content_block_delta':
        return this.#delta(event.index, event.delta as unknown as Loose);
      case 'message_delta':
        if (event.delta.stop_reason && STOP_REASONS.includes(event.delta.stop_reason)) {
          this.#stopReason = event.delta.stop_reason as StopReason;
        }
        this.#mergeUsage(event.usage);
        return [];
      case 'message_stop':
        this.complete = true;
        return [];
      default:
        return [];
    }
  }

  /** The response so far; tool_use blocks whose input JSON does not parse to an object are dropped and listed. */
  finish(stopReason: StopReason = this.#stopReason): ModelResponse {
    const content: ContentBlock[] = [];
    const dropped: { id: string; name: string; reason: string }[] = [];
    for (const [, block] of [...this.#blocks].sort(([a], [b]) => a - b)) {
      if (block.type === 'text') {
        if (block.text !== '') content.push({ type: 'text', text: block.text });
      } else if (block.type === 'tool_use') {
        const input = parseInput(block.json);
        if (input.ok) content.push({ type: 'tool_use', id: block.id, name: block.name, input: input.value });
        else dropped.push({ id: block.id, name: block.name, reason: `${input.reason} (stop reason: ${stopReason})` });
      } else {
        content.push({ ...block });
      }
    }
    return { content, stopReason, usage: { ...this.#usage }, ...(dropped.length > 0 && { droppedToolUse: dropped }) };
  }

  #start(index: number, block: Loose): ModelStreamEvent[] {
    switch (block.type) {
      case 'text': {
        const text = typeof block.text === 'string' ? block.text : '';
        this.#blocks.set(index, { type: 'text', text });
        return text ? [{ type: 'text_delta', text }] : [];
      }
      case 'thinking': {
        const thinking = typeof block.thinking === 'string' ? block.thinking : '';
        const signature = typeof block.signature === 'string' ? block.signature : '';
        this.#blocks.set(index, { type: 'thinking', thinking, signature });
        return thinking ? [{ type: 'thinking_delta', text: thinking }] : [];
      }
      case 'redacted_thinking':
        this.#blocks.set(index, { type: 'redacted_thinking', data: String(block.data ?? '') });
        return [];
      case 'tool_use': {
        const id = String(block.id);
        const name = String(block.name);
        const initial = block.input && typeof block.input === 'object' && Object.keys(block.input).length > 0;
        this.#blocks.set(index, { type: 'tool_use', id, name, json: initial ? JSON.stringify(block.input) : '' });
        return [{ type: 'tool_use_start', id, name }];
      }
      default:
        return [];
    }
  }

  #delta(index: number, delta: Loose): ModelStreamEvent[] {
    const block = this.#blocks.get(index);
    if (delta.type === 'text_delta' && block?.type === 'text') {
      const text = String(delta.text);
      block.text += text;
      return [{ type: 'text_delta', text }];
    }
    if (delta.type === 'thinking_delta' && block?.type === 'thinking') {
      const text = String(delta.thinking);
      block.thinking += text;
      return [{ type: 'thinking_delta', text }];
    }
    if (delta.type === 'signature_delta' && block?.type === 'thinking') block.signature += String(delta.signature);
    if (delta.type === 'input_json_delta' && block?.type === 'tool_use') block.json += String(delta.partial_json);
    return [];
  }

  /** Usage counts in the stream are cumulative: a later non-null value replaces the earlier one. */
  #mergeUsage(usage: Partial<Record<keyof Usage, number | null>> | null | undefined): void {
    if (!usage) return;
    for (const key of Object.keys(this.#usage) as (keyof Usage)[]) {
      const value = usage[key];
      if (typeof value === 'number') this.#usage[key] = value;
    }
  }
}

function parseInput(json: string): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  if (json.trim() === '') return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(json);
    if (value && typeof value === 'object' && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
    return { ok: false, reason: 'its input was not a JSON object' };
  } catch {
    return { ok: false, reason: `its input JSON was cut off or invalid (${json.length} characters)` };
  }
}
