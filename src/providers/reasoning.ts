// Reasoning a provider cannot take back is left out of its requests (and only there: the conversation and the
// transcript keep it), so /model can switch between API kinds mid-conversation.
import type { ContentBlock, Message } from '../core/types.js';

/** Where a thinking block came from: Anthropic's blocks carry no `origin`. */
export function reasoningOrigin(block: ContentBlock): string | undefined {
  if (block.type === 'redacted_thinking') return 'anthropic-messages';
  if (block.type === 'thinking') return block.origin ?? 'anthropic-messages';
  return undefined;
}

/**
 * The conversation without the reasoning blocks `accepts` refuses; a message left empty is dropped and two
 * messages of one role that become neighbours are joined, so the result is still a valid conversation.
 */
export function withReasoningFor(messages: Message[], accepts: (origin: string) => boolean): Message[] {
  const out: Message[] = [];
  for (const message of messages) {
    const content = message.content.filter((b) => {
      const origin = reasoningOrigin(b);
      return origin === undefined || accepts(origin);
    });
    if (content.length === 0) continue;
    const previous = out.at(-1);
    if (previous && previous.role === message.role) out[out.length - 1] = { role: message.role, content: [...previous.content, ...content] };
    else out.push(content.length === message.content.length ? message : { role: message.role, content });
  }
  return out;
}

/**
 * Tool-call ids in the characters Anthropic accepts (letters, digits, `_`, `-`): another provider's ids (after
 * /model) may carry others. Unchanged messages are shared.
 */
export function withAnthropicIds(messages: Message[]): Message[] {
  const clean = (id: string) => id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return messages.map((m) => {
    if (!m.content.some((b) => (b.type === 'tool_use' && clean(b.id) !== b.id) || (b.type === 'tool_result' && clean(b.tool_use_id) !== b.tool_use_id))) return m;
    return {
      role: m.role,
      content: m.content.map((b) => (b.type === 'tool_use' ? { ...b, id: clean(b.id) } : b.type === 'tool_result' ? { ...b, tool_use_id: clean(b.tool_use_id) } : b)),
    };
  });
}
