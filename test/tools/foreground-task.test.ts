// The task cap becomes one message for the model, whether the start is synchronous (bash) or not (agent).
import { describe, expect, it } from 'vitest';
import { startTask } from '../../src/tools/foreground-task.js';
import { ToolError } from '../../src/tools/tool.js';
import { TaskLimitError } from '../../src/tasks/types.js';

describe('startTask', () => {
  it('turns a TaskLimitError into a ToolError that says how to make room', async () => {
    const limit = () => { throw new TaskLimitError(1, []); };
    expect(() => startTask(limit)).toThrow(ToolError);
    expect(() => startTask(limit)).toThrow(/kill_background ends one/);
    await expect(startTask(async () => limit())).rejects.toThrow(/kill_background ends one/);
  });

  it('passes other errors through unchanged', () => {
    expect(() => startTask(() => { throw new Error('unknown agent type'); })).toThrow(/^unknown agent type$/);
  });
});
