import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/types.js';
import { withAnthropicIds, withReasoningFor } from '../../src/providers/reasoning.js';

const conversation: Message[] = [
  { role: 'user', content: [{ type: 'text', text: 'hi' }] },
  { role: 'assistant', content: [{ type: 'thinking', thinking: 'gpt only', signature: 'enc', origin: 'openai-responses', itemId: 'rs_1' }] },
  { role: 'user', content: [{ type: 'text', text: 'again' }] },
  { role: 'assistant', content: [{ type: 'thinking', thinking: 'claude', signature: 'sig' }, { type: 'redacted_thinking', data: 'x' }, { type: 'tool_use', id: 'call:1/a', name: 'bash', input: {} }] },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call:1/a', content: 'ok' }] },
];

describe('reasoning per API kind', () => {
  it('keeps only the reasoning a provider takes, joining messages an empty one left as neighbours', () => {
    const forAnthropic = withReasoningFor(conversation, (o) => o === 'anthropic-messages');
    expect(forAnthropic.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(forAnthropic[0]!.content).toEqual([{ type: 'text', text: 'hi' }, { type: 'text', text: 'again' }]);
    expect(forAnthropic[1]!.content.map((b) => b.type)).toEqual(['thinking', 'redacted_thinking', 'tool_use']);
    const forChat = withReasoningFor(conversation, () => false);
    expect(JSON.stringify(forChat)).not.toMatch(/thinking/);
    // The conversation itself is untouched.
    expect(conversation).toHaveLength(5);
    expect(conversation[1]!.content).toHaveLength(1);
  });

  it('gives Anthropic ids in the characters it accepts, the same for a call and its result', () => {
    const out = withAnthropicIds(conversation);
    expect((out[3]!.content[2] as { id: string }).id).toBe('call_1_a');
    expect((out[4]!.content[0] as { tool_use_id: string }).tool_use_id).toBe('call_1_a');
    expect(out[0]).toBe(conversation[0]);
  });
});
