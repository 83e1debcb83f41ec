// Makes a conversation rebuilt from a transcript valid for the Messages API, whatever was lost on the way.
import { HARNESS_PREFIX } from '../core/agent-loop.js';
import { repairConversation } from '../core/messages.js';
import type { ContentBlock, Message, ToolResultBlock } from '../core/types.js';

export interface NormalizeReport {
  /** tool_use blocks that got an "interrupted" result. */
  repaired: number;
  /** tool_result blocks dropped because no tool_use before them asked for them. */
  orphans: number;
}

/**
 * Fixes `messages` in place: merges consecutive messages of one role, drops empty ones, starts with a user
 * message, drops tool results with no matching tool_use, gives every tool_use a result (see
 * repairConversation) and orders each message's results like the calls, ahead of its other blocks.
 */
export function normalizeConversation(messages: Message[]): NormalizeReport {
  mergeRuns(messages);
  const orphans = dropOrphanResults(messages);
  mergeRuns(messages);
  if (messages[0]?.role === 'assistant') {
    messages.unshift({ role: 'user', content: [{ type: 'text', text: `${HARNESS_PREFIX} (The start of this conversation was lost.)` }] });
  }
  const repaired = repairConversation(messages);
  orderResults(messages);
  return { repaired, orphans };
}

/** Consecutive messages of one role become one; empty messages go. */
function mergeRuns(messages: Message[]): void {
  let out = 0;
  for (const msg of messages) {
    if (msg.content.length === 0) continue;
    const prev = out > 0 ? messages[out - 1]! : undefined;
    if (prev && prev.role === msg.role) prev.content = [...prev.content, ...msg.content];
    else messages[out++] = msg;
  }
  messages.length = out;
}

function dropOrphanResults(messages: Message[]): number {
  let dropped = 0;
  messages.forEach((msg, i) => {
    if (msg.role !== 'user') return;
    const prev = messages[i - 1];
    const open = new Set(prev?.role === 'assistant' ? toolUseIds(prev.content) : []);
    const kept = msg.content.filter((b) => {
      if (b.type !== 'tool_result') return true;
      // Each call is answered once; a second result for the same id is an orphan too.
      if (!open.delete(b.tool_use_id)) { dropped++; return false; }
      return true;
    });
    if (kept.length !== msg.content.length) msg.content = kept;
  });
  return dropped;
}

function orderResults(messages: Message[]): void {
  messages.forEach((msg, i) => {
    const prev = messages[i - 1];
    if (msg.role !== 'user' || prev?.role !== 'assistant') return;
    const order = new Map(toolUseIds(prev.content).map((id, n) => [id, n]));
    if (order.size === 0) return;
    const results = msg.content.filter((b): b is ToolResultBlock => b.type === 'tool_result');
    const rest = msg.content.filter((b) => b.type !== 'tool_result');
    results.sort((a, b) => order.get(a.tool_use_id)! - order.get(b.tool_use_id)!);
    msg.content = [...results, ...rest];
  });
}

function toolUseIds(content: ContentBlock[]): string[] {
  return content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
}
