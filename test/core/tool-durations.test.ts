import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentEvent } from '../../src/core/events.js';
import { runToolCalls } from '../../src/core/tool-calls.js';
import type { AgentTool } from '../../src/core/types.js';

afterEach(() => { vi.restoreAllMocks(); });

describe('tool durations', () => {
  it('count the run only, not the time spent waiting for approval', async () => {
    let now = 1_000;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const tool: AgentTool = {
      name: 'work', description: 'work', inputSchema: { type: 'object' },
      execute: async () => { now += 500; return { content: 'done' }; },
    };
    const events: AgentEvent[] = [];
    await runToolCalls([{ type: 'tool_use', id: 't1', name: 'work', input: {} }], [tool], {
      emit: (e) => events.push(e),
      authorize: async () => { now += 60_000; return undefined; }, // a minute for the person to answer
    });
    expect(events.find((e) => e.type === 'tool_end')).toMatchObject({ durationMs: 500 });
  });
});
