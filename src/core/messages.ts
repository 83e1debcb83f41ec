// Conversation helpers that keep a message list valid for the Messages API.
import type { ContentBlock, Message, TextBlock, ToolResultBlock } from './types.js';

/**
 * Adds blocks to the trailing user message, or starts one. Appending instead of pushing a second user turn
 * keeps tool_result blocks first in their message, as the API requires, with notices or prompts after them.
 */
export function appendUserContent(messages: Message[], blocks: ContentBlock[]): void {
  if (blocks.length === 0) return;
  const last = messages.at(-1);
  if (last?.role === 'user') last.content.push(...blocks);
  else messages.push({ role: 'user', content: [...blocks] });
}

export function userText(text: string): TextBlock {
  return { type: 'text', text };
}

/** The text of a message's text blocks, joined. */
export function messageText(message: Message | undefined): string {
  if (!message) return '';
  return message.content
    .filter((b): b is TextBlock => b.type === 'text')
    .map((b) => b.text)
    .join('');
}

/**
 * Makes a conversation valid to send after an interrupt or crash: every tool_use gets a tool_result (an
 * "interrupted" one where it has none) in the user message right after it.
 */
export function repairConversation(messages: Message[]): number {
  let repaired = 0;
  for (let i = 0; i < messages.length; i++) {
    const msg = messages[i]!;
    if (msg.role !== 'assistant') continue;
    const uses = msg.content.filter((b) => b.type === 'tool_use');
    if (uses.length === 0) continue;
    let next = messages[i + 1];
    if (!next || next.role !== 'user') {
      next = { role: 'user', content: [] };
      messages.splice(i + 1, 0, next);
    }
    const answered = new Set(
      next.content.filter((b): b is ToolResultBlock => b.type === 'tool_result').map((b) => b.tool_use_id),
    );
    const missing: ToolResultBlock[] = uses
      .filter((u) => !answered.has(u.id))
      .map((u) => ({
        type: 'tool_result',
        tool_use_id: u.id,
        content: 'Interrupted: this tool call did not complete, and its result was lost.',
        is_error: true,
      }));
    if (missing.length) {
      const results = next.content.filter((b) => b.type === 'tool_result');
      const rest = next.content.filter((b) => b.type !== 'tool_result');
      next.content = [...results, ...missing, ...rest];
      repaired += missing.length;
    }
  }
  return repaired;
}
