// A multi-byte character split across two output chunks reaches readers whole (one decoder per stream).
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/tasks/output-view.js';
import { createAgentTool } from '../../src/tools/agent.js';
import { makeManager } from '../tasks/helpers.js';

const euro = Buffer.from('€', 'utf8'); // three bytes: e2 82 ac

describe('streamed UTF-8', () => {
  it('decodes a character split between two stored parts of a range', () => {
    expect(decode([Buffer.concat([Buffer.from('price '), euro.subarray(0, 1)]), euro.subarray(1)])).toBe('price €');
  });

  it('shows a foreground subagent\'s split character whole in its progress', async () => {
    const m = makeManager();
    const texts: string[] = [];
    let finish!: () => void;
    let ready!: () => void;
    const running = new Promise<void>((resolve) => { ready = resolve; });
    const tool = createAgentTool({
      types: [{ name: 'general-purpose', description: 'any work' }],
      start: async (req, opts) => m.startAgent({
        description: req.description, agentType: 'general-purpose', foreground: opts.foreground,
        run: () => { ready(); return new Promise((resolve) => { finish = () => resolve({ report: 'done' }); }); },
      }),
    }, m);
    const call = tool.execute({ prompt: 'p', description: 'd' }, {
      signal: new AbortController().signal, toolUseId: 't1', onProgress: (text: string) => texts.push(text),
    });
    await running;
    // The tool listens once its start has resolved: wait for that, not for time.
    while (!m.listenerCount('output')) await Promise.resolve();
    const id = m.list()[0]!.id;
    m.emit('output', id, Buffer.concat([Buffer.from('cost: '), euro.subarray(0, 2)]));
    m.emit('output', id, Buffer.concat([euro.subarray(2), Buffer.from(' 5\n')]));
    finish();
    const result = await call;
    expect(texts.join('|')).toContain('€ 5');
    expect(texts.join('|')).not.toContain('\ufffd');
    expect(result).toMatchObject({ content: expect.stringContaining('done') });
  });
});
