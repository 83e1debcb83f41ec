// Prompt-cache breakpoints for an Anthropic request: the system prompt, the last tool, where the previous
// request ended and where this one ends, so each turn reads everything before its new messages from cache.
import type { ContentBlock, Message, ToolSpec } from '../core/types.js';

export interface CacheControl { type: 'ephemeral' }
export type CachedContentBlock = ContentBlock & { cache_control?: CacheControl };
export interface CachedMessage { role: Message['role']; content: CachedContentBlock[] }
export interface CachedSystemBlock { type: 'text'; text: string; cache_control?: CacheControl }
export type CachedToolSpec = ToolSpec & { cache_control?: CacheControl };

/** Request parts in the Messages API's shapes, ready for `system`, `tools` and `messages`. */
export interface CachedRequestParts {
  /** Empty when the system prompt is empty (send no `system` then). */
  system: CachedSystemBlock[];
  tools: CachedToolSpec[];
  messages: CachedMessage[];
}

/** The API accepts at most this many cache_control markers per request. */
export const MAX_BREAKPOINTS = 4;

const EPHEMERAL: CacheControl = { type: 'ephemeral' };

/**
 * Adds at most four breakpoints without modifying its input: the system block, the last tool, the last
 * cacheable block of the last message, and that of the user message the previous request ended with (the
 * one before the last assistant message), which the previous request wrote to the cache. Thinking blocks
 * and empty text cannot carry a breakpoint, so the last other block of a message is used.
 */
export function withCacheBreakpoints(parts: { system: string; tools: ToolSpec[]; messages: Message[] }): CachedRequestParts {
  const system: CachedSystemBlock[] = parts.system ? [{ type: 'text', text: parts.system, cache_control: EPHEMERAL }] : [];
  const tools: CachedToolSpec[] = parts.tools.map((t, i) => (i === parts.tools.length - 1 ? { ...t, cache_control: EPHEMERAL } : t));
  const marks = new Set<number>();
  const last = parts.messages.length - 1;
  if (last >= 0) marks.add(last);
  const lastAssistant = parts.messages.findLastIndex((m) => m.role === 'assistant');
  const previousEnd = lastAssistant > 0 ? parts.messages.findLastIndex((m, i) => i < lastAssistant && m.role === 'user') : -1;
  if (previousEnd >= 0) marks.add(previousEnd);
  const messages = parts.messages.map((m, i): CachedMessage => (marks.has(i) ? markLastBlock(m) : m));
  return { system, tools, messages };
}

function markLastBlock(m: Message): CachedMessage {
  const at = m.content.findLastIndex(cacheable);
  if (at < 0) return m;
  return { role: m.role, content: m.content.map((b, i) => (i === at ? { ...b, cache_control: EPHEMERAL } : b)) };
}

function cacheable(b: ContentBlock): boolean {
  if (b.type === 'thinking' || b.type === 'redacted_thinking') return false;
  return b.type !== 'text' || b.text.length > 0;
}

/** How many cache_control markers a request carries; for tests and assertions. */
export function countBreakpoints(parts: CachedRequestParts): number {
  const marked = (x: { cache_control?: CacheControl }) => (x.cache_control ? 1 : 0);
  return parts.system.reduce((n, b) => n + marked(b), 0) +
    parts.tools.reduce((n, t) => n + marked(t), 0) +
    parts.messages.reduce((n, m) => n + m.content.reduce((k, b) => k + marked(b), 0), 0);
}
