// The conversation as chat-completions messages: tool results become `tool` messages right after the assistant
// message that called them, images go in user messages, reasoning goes back only where the server takes it.
import type { ContentBlock, Message, ModelRequest } from '../core/types.js';
import { imageUrls, parametersOf, resultText, wireToolCallId, type OpenAICompat } from './openai-common.js';
import { withReasoningFor } from './reasoning.js';

type Part = { type: 'text'; text: string; cache_control?: { type: 'ephemeral' } } | { type: 'image_url'; image_url: { url: string } };

export type ChatMessage =
  | { role: 'system' | 'developer'; content: string | Part[] }
  | { role: 'user'; content: string | Part[] }
  | {
    role: 'assistant'; content: string | null; reasoning_content?: string;
    tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  tools?: { type: 'function'; function: { name: string; description: string; parameters: Record<string, unknown> } }[];
  stream: true;
  stream_options?: { include_usage: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
}

export function chatRequestBody(model: string, request: ModelRequest, compat: OpenAICompat): ChatRequestBody {
  const ids = (id: string) => wireToolCallId(id, compat.toolCallIds);
  const messages: ChatMessage[] = [];
  if (request.system) messages.push({ role: compat.systemRole ?? 'system', content: request.system });
  const conversation = withReasoningFor(request.messages, (origin) => origin === 'openai-chat' && compat.sendReasoning === true);
  for (const message of conversation) {
    if (message.role === 'assistant') messages.push(assistantMessage(message.content, compat, ids));
    else messages.push(...userMessages(message.content, ids));
  }
  if (compat.cacheControl) markForCache(messages);
  const body: ChatRequestBody = { model, messages, stream: true };
  if (request.tools.length > 0) {
    body.tools = request.tools.map((t) => ({
      type: 'function', function: { name: t.name, description: t.description, parameters: parametersOf(t.input_schema) },
    }));
  }
  if (compat.streamUsage !== false) body.stream_options = { include_usage: true };
  body[compat.maxTokensField ?? 'max_tokens'] = request.maxTokens;
  return body;
}

function assistantMessage(content: ContentBlock[], compat: OpenAICompat, ids: (id: string) => string): ChatMessage {
  const text = content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  const calls = content.flatMap((b) => (b.type === 'tool_use'
    ? [{ id: ids(b.id), type: 'function' as const, function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }]
    : []));
  const reasoning = compat.sendReasoning ? content.map((b) => (b.type === 'thinking' ? b.thinking : '')).join('') : '';
  return {
    role: 'assistant',
    content: text || (calls.length ? null : ''),
    ...(reasoning && { reasoning_content: reasoning }),
    ...(calls.length && { tool_calls: calls }),
  };
}

/** Tool results first (each a `tool` message), then what the person or the harness said, with any images. */
function userMessages(content: ContentBlock[], ids: (id: string) => string): ChatMessage[] {
  const out: ChatMessage[] = [];
  const parts: Part[] = [];
  for (const block of content) {
    if (block.type === 'tool_result') {
      const text = resultText(block.content);
      out.push({ role: 'tool', tool_call_id: ids(block.tool_use_id), content: block.is_error ? `Error: ${text}` : text || '(no output)' });
      // A tool message takes text only: its images follow in a user message.
      for (const url of imageUrls(block.content)) parts.push({ type: 'image_url', image_url: { url } });
    } else if (block.type === 'text') {
      if (block.text) parts.push({ type: 'text', text: block.text });
    } else if ((block as { type: string }).type === 'image') {
      parts.push(...imageUrls([block]).map((url) => ({ type: 'image_url' as const, image_url: { url } })));
    }
  }
  if (parts.length > 0) {
    const textOnly = parts.every((p) => p.type === 'text');
    out.push({ role: 'user', content: textOnly ? parts.map((p) => (p as { text: string }).text).join('\n\n') : parts });
  }
  return out;
}

/** Anthropic-style breakpoints through OpenRouter: the system prompt and the last user text. */
function markForCache(messages: ChatMessage[]): void {
  const mark = (m: ChatMessage) => {
    if ((m.role === 'system' || m.role === 'developer' || m.role === 'user') && typeof m.content === 'string') {
      m.content = [{ type: 'text', text: m.content, cache_control: { type: 'ephemeral' } }];
    }
  };
  const first = messages[0];
  if (first && (first.role === 'system' || first.role === 'developer')) mark(first);
  const lastUser = messages.findLast((m) => m.role === 'user');
  if (lastUser) mark(lastUser);
}
