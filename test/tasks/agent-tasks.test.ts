// Subagents as tasks in the engine (agent-task.ts): listed, read, awaited, killed, capped and noticed like any
// other task; the run function stands in for the agent loop.
import { describe, expect, it } from 'vitest';
import type { AgentTaskControl, AgentTaskOutcome } from '../../src/tasks/agent-task.js';
import { formatNotice } from '../../src/tasks/notices.js';
import { TaskLimitError } from '../../src/tasks/types.js';
import { makeManager } from './helpers.js';

/** A run that works until `finish` is called (or it is killed). */
function controllable() {
  let control!: AgentTaskControl;
  let finish!: (o: AgentTaskOutcome) => void;
  let ready!: () => void;
  const started = new Promise<void>((resolve) => { ready = resolve; });
  function run(c: AgentTaskControl): Promise<AgentTaskOutcome> {
    control = c;
    ready();
    return new Promise((resolve) => {
      finish = resolve;
      c.signal.addEventListener('abort', () => resolve({ report: 'partial' }), { once: true });
    });
  }
  return { run, started, get control() { return control; }, finish: (o: AgentTaskOutcome) => finish(o) };
}

describe('agent tasks', () => {
  it('reports progress, then one notice carrying the final report', async () => {
    const m = makeManager();
    const a = controllable();
    const snap = m.startAgent({ description: 'look around', agentType: 'explore', run: a.run });
    expect(snap).toMatchObject({ id: 'a1', status: 'running', foreground: false, agent: { type: 'explore', toolCalls: 0 } });
    await a.started;
    a.control.toolCall('grep', 'TODO');
    a.control.text('Found two TODOs so far.');
    expect(m.get('a1')!.agent).toMatchObject({ toolCalls: 1, lastText: 'Found two TODOs so far.' });
    expect(m.readNew('a1')).toBe('→ grep TODO\nFound two TODOs so far.');
    a.finish({ report: 'FINAL: two TODOs, in a.ts and b.ts.' });
    await m.wait(['a1'], 'all', 5000);
    const ended = m.get('a1')!;
    expect(ended).toMatchObject({ status: 'exited', exitCode: 0, agent: { report: 'FINAL: two TODOs, in a.ts and b.ts.' } });
    const notices = m.drainNotices();
    expect(notices).toHaveLength(1);
    const text = formatNotice(notices[0]!);
    expect(text).toMatch(/background agent a1 \(explore\) ended: finished, after 1 tool call\./);
    expect(text).toContain('final report:\nFINAL: two TODOs, in a.ts and b.ts.');
    expect(m.drainNotices()).toHaveLength(0);
  });

  it('a failed run ends as failed with its reason', async () => {
    const m = makeManager();
    m.startAgent({ description: 'd', agentType: 'general-purpose', run: async () => ({ report: '', error: 'the model request failed' }) });
    await m.wait(['a1'], 'all', 5000);
    const [notice] = m.drainNotices();
    expect(formatNotice(notice!)).toMatch(/ended: failed: the model request failed/);
  });

  it('kill stops the run; the end is the kill\'s to report, so no notice', async () => {
    const m = makeManager();
    const a = controllable();
    m.startAgent({ description: 'd', agentType: 'general-purpose', run: a.run });
    await a.started;
    const killed = await m.kill('a1', 'model');
    expect(a.control.signal.aborted).toBe(true);
    expect(killed).toMatchObject({ status: 'killed', killedBy: 'model' });
    m.acknowledge('a1');
    expect(m.drainNotices()).toHaveLength(0);
  });

  it('the concurrency cap counts agents', async () => {
    const m = makeManager({ maxConcurrent: 1 });
    const a = controllable();
    m.startAgent({ description: 'd', agentType: 'general-purpose', run: a.run });
    expect(() => m.start({ command: 'sleep 1' })).toThrow(TaskLimitError);
    expect(() => m.startAgent({ description: 'e', agentType: 'general-purpose', run: a.run })).toThrow(/limit is 1: a1 \(agent general-purpose: d\)/);
    await m.kill('a1', 'user');
  });

  it('shutdown stops running agents without a notice', async () => {
    const m = makeManager();
    const a = controllable();
    m.startAgent({ description: 'd', agentType: 'general-purpose', run: a.run });
    await a.started;
    await m.shutdown();
    expect(m.get('a1')).toMatchObject({ status: 'killed', killedBy: 'shutdown' });
    expect(m.drainNotices()).toHaveLength(0);
  });
});
