import { describe, expect, it } from 'vitest';
import { runToolCalls } from '../../src/core/tool-calls.js';
import type { AgentTool, ToolUseBlock } from '../../src/core/types.js';

/** A tool whose calls finish only when the test releases them, recording when each began. */
function gatedTool(name: string, flags: Partial<AgentTool>, log: string[], gates: Map<string, () => void>): AgentTool {
  return {
    name, description: name, inputSchema: { type: 'object' }, ...flags,
    execute: (input) => {
      const id = (input as { id: string }).id;
      log.push(`run ${id}`);
      return new Promise((resolve) => gates.set(id, () => resolve({ content: `done ${id}` })));
    },
  };
}

const call = (name: string, id: string): ToolUseBlock => ({ type: 'tool_use', id: `t_${id}`, name, input: { id } });
const until = async (check: () => boolean) => { while (!check()) await new Promise((r) => setImmediate(r)); };

describe('runToolCalls', () => {
  it('runs consecutive start-only calls together, each authorised in order before it runs', async () => {
    const log: string[] = [];
    const gates = new Map<string, () => void>();
    const tools = [gatedTool('start', { startsOnly: true }, log, gates), gatedTool('edit', {}, log, gates)];
    const authorize = async (c: ToolUseBlock) => { log.push(`ask ${(c.input as { id: string }).id}`); return undefined; };
    const done = runToolCalls([call('start', 'a'), call('start', 'b'), call('start', 'c'), call('edit', 'd')], tools, { emit: () => {}, authorize });
    // All three starts run before any of them finished; the side-effecting edit waits for them.
    await until(() => gates.size === 3);
    expect(log).toEqual(['ask a', 'run a', 'ask b', 'run b', 'ask c', 'run c']);
    for (const id of ['c', 'a', 'b']) gates.get(id)!();
    await until(() => gates.size === 4);
    expect(log.at(-1)).toBe('run d');
    gates.get('d')!();
    const results = await done;
    expect(results.map((r) => r.content)).toEqual(['done a', 'done b', 'done c', 'done d']);
  });

  it('a denied start does not hold up the next one', async () => {
    const log: string[] = [];
    const gates = new Map<string, () => void>();
    const tools = [gatedTool('start', { startsOnly: true }, log, gates)];
    const authorize = async (c: ToolUseBlock) => ((c.input as { id: string }).id === 'a' ? { content: 'no', isError: true } : undefined);
    const done = runToolCalls([call('start', 'a'), call('start', 'b')], tools, { emit: () => {}, authorize });
    await until(() => gates.size === 1);
    gates.get('b')!();
    const results = await done;
    expect(results.map((r) => [r.content, r.is_error ?? false])).toEqual([['no', true], ['done b', false]]);
  });
});
