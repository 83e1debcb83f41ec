// Conversation builders for tests: messages, blocks, usage, a scripted agentic conversation, and its validity check.
import { expect } from 'vitest';
import { emptyUsage, type ContentBlock, type Message, type ToolResultBlock, type ToolUseBlock, type Usage } from '../../src/core/types.js';

export const text = (t: string): ContentBlock => ({ type: 'text', text: t });
export const user = (...content: ContentBlock[]): Message => ({ role: 'user', content });
export const assistant = (...content: ContentBlock[]): Message => ({ role: 'assistant', content });
export const use = (id: string, name = 'read_file', input: unknown = { path: `${id}.ts` }): ToolUseBlock =>
  ({ type: 'tool_use', id, name, input });
export const result = (id: string, content: string, isError = false): ToolResultBlock =>
  ({ type: 'tool_result', tool_use_id: id, content, ...(isError ? { is_error: true } : {}) });

export function usage(u: Partial<Usage>): Usage {
  return { ...emptyUsage(), ...u };
}

/**
 * A scripted agentic conversation: a prompt, then `turns` assistant replies each calling one tool whose result
 * has `resultChars` characters, then a final answer. Every `promptEvery` turns the user speaks again.
 */
export function conversation(turns: number, resultChars = 2000, promptEvery = 0): Message[] {
  const messages: Message[] = [user(text('Fix the failing tests in src/'))];
  for (let i = 1; i <= turns; i++) {
    messages.push(assistant(text(`Step ${i}: reading file ${i}.`), use(`toolu_${i}`)));
    messages.push(user(result(`toolu_${i}`, `${i}:`.padEnd(resultChars, 'x'))));
    if (promptEvery && i % promptEvery === 0 && i < turns) {
      messages.push(assistant(text(`Done with batch ${i / promptEvery}.`)));
      messages.push(user(text(`Now continue with batch ${i / promptEvery + 1}.`)));
    }
  }
  messages.push(assistant(text('All tests pass now.')));
  return messages;
}

/** Every request must start with a user turn, alternate roles, and answer each tool_use in the next message. */
export function expectValidConversation(messages: Message[]): void {
  expect(messages[0]?.role).toBe('user');
  messages.forEach((m, i) => {
    expect(m.content.length).toBeGreaterThan(0);
    if (i > 0) expect(m.role).not.toBe(messages[i - 1]!.role);
    const results = m.content.filter((b): b is ToolResultBlock => b.type === 'tool_result');
    const prev = messages[i - 1];
    const asked = prev?.role === 'assistant' ? prev.content.filter((b): b is ToolUseBlock => b.type === 'tool_use').map((u) => u.id) : [];
    if (m.role === 'user') {
      expect(results.map((r) => r.tool_use_id)).toEqual(asked);
      // Results come first in their message.
      expect(m.content.slice(0, results.length)).toEqual(results);
    }
  });
}
