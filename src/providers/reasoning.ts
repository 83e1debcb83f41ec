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
