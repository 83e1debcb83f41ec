import { describe, expect, it } from 'vitest';
import type { ToolSpec } from '../../src/core/types.js';
import { countBreakpoints, MAX_BREAKPOINTS, withCacheBreakpoints } from '../../src/providers/cache-control.js';
import { assistant, conversation, result, text, use, user } from '../support/conversation.js';

const tools: ToolSpec[] = ['read_file', 'edit_file', 'bash'].map((name) => ({ name, description: name, input_schema: { type: 'object' } }));
const marked = (b: object) => 'cache_control' in b;

describe('cache breakpoints', () => {
  it('marks the system prompt, the last tool, the previous request end and the last block', () => {
    const messages = conversation(3);
    messages.push(user(text('next question')));
    const before = structuredClone(messages);
    const out = withCacheBreakpoints({ system: 'You are tandem.', tools, messages });

    expect(out.system).toEqual([{ type: 'text', text: 'You are tandem.', cache_control: { type: 'ephemeral' } }]);
    expect(out.tools.map(marked)).toEqual([false, false, true]);
    expect(countBreakpoints(out)).toBe(MAX_BREAKPOINTS);
    const marks = out.messages.flatMap((m, i) => m.content.flatMap((b, j) => (marked(b) ? [[i, j]] : [])));
    // Last message's last block, and the user message before the last assistant reply (the previous request's end).
    expect(marks).toEqual([[6, 0], [8, 0]]);
    expect(messages).toEqual(before); // input untouched
    expect(out.messages[0]).toBe(messages[0]); // unmarked messages shared, not copied
  });

  it('in a tool loop, marks the tool results the previous request ended with', () => {
    const messages = [user(text('go')), assistant(use('a')), user(result('a', 'A')), assistant(use('b'), use('c')), user(result('b', 'B'), result('c', 'C'))];
    const out = withCacheBreakpoints({ system: 's', tools, messages });
    expect(out.messages[2]!.content[0]).toMatchObject({ tool_use_id: 'a', cache_control: { type: 'ephemeral' } });
    expect(out.messages[4]!.content.map(marked)).toEqual([false, true]);
  });

  it('never marks thinking or empty text, never exceeds four, and copes with little to mark', () => {
    const messages = [user(text('q'), text('')), assistant(text('a'), { type: 'thinking', thinking: 't', signature: 's' })];
    const out = withCacheBreakpoints({ system: '', tools: [], messages });
    expect(out.system).toEqual([]);
    expect(out.messages[0]!.content.map(marked)).toEqual([true, false]);
    expect(out.messages[1]!.content.map(marked)).toEqual([true, false]);
    expect(countBreakpoints(out)).toBe(2);
    expect(countBreakpoints(withCacheBreakpoints({ system: '', tools: [], messages: [] }))).toBe(0);
    const single = withCacheBreakpoints({ system: 's', tools, messages: [user(text('only'))] });
    expect(countBreakpoints(single)).toBe(3);
  });
});
