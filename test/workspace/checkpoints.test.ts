import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentTool } from '../../src/core/types.js';
import { createEditFileTool } from '../../src/tools/edit-file.js';
import { createWriteFileTool } from '../../src/tools/write-file.js';
import { CheckpointStore, checkpointingTool } from '../../src/workspace/checkpoints/index.js';
import { ctx, makeFixture, type Fixture } from '../tools/fs-fixture.js';

let f: Fixture;
let store: CheckpointStore;
let write: AgentTool;
let edit: AgentTool;
beforeEach(async () => {
  f = await makeFixture();
  store = new CheckpointStore(path.join(f.base, 'checkpoints'));
  write = checkpointingTool(createWriteFileTool(f.ws), store, f.ws);
  edit = checkpointingTool(createEditFileTool(f.ws), store, f.ws);
});
afterEach(() => f.cleanup());

const read = (rel: string) => readFileSync(f.at(rel), 'utf8');

describe('checkpoints', () => {
  it('undo reverts the last change, one at a time, including a created file', async () => {
    writeFileSync(f.at('a.txt'), 'one\n');
    store.markPrompt('change a', 0, -1);
    await write.execute({ path: 'a.txt', content: 'two\n' }, ctx());
    await write.execute({ path: 'new.txt', content: 'fresh\n' }, ctx());
    await edit.execute({ path: 'a.txt', old_text: 'two', new_text: 'three' }, ctx());
    expect(read('a.txt')).toBe('three\n');
    expect(await store.undo()).toEqual({ path: f.at('a.txt'), action: 'restored' });
    expect(read('a.txt')).toBe('two\n');
    expect(await store.undo()).toEqual({ path: f.at('new.txt'), action: 'deleted' });
    expect(existsSync(f.at('new.txt'))).toBe(false);
    await store.undo();
    expect(read('a.txt')).toBe('one\n');
    expect(await store.undo()).toBeUndefined();
  });

  it('a failed edit records nothing to undo', async () => {
    writeFileSync(f.at('a.txt'), 'one\n');
    const r = await edit.execute({ path: 'a.txt', old_text: 'absent', new_text: 'x' }, ctx());
    expect(r.isError).toBe(true);
    expect(store.changes).toHaveLength(0);
  });

  it('rewind puts every file back as it was before a prompt', async () => {
    writeFileSync(f.at('a.txt'), 'v0\n');
    store.markPrompt('first', 0, -1);
    await write.execute({ path: 'a.txt', content: 'v1\n' }, ctx());
    store.markPrompt('second', 2, -1);
    await write.execute({ path: 'a.txt', content: 'v2\n' }, ctx());
    await write.execute({ path: 'b.txt', content: 'b\n' }, ctx());
    expect(store.filesSince(2).sort()).toEqual([f.at('a.txt'), f.at('b.txt')]);
    const restored = await store.rewindFiles(2);
    expect(restored).toEqual([{ path: f.at('a.txt'), action: 'restored' }, { path: f.at('b.txt'), action: 'deleted' }]);
    expect(read('a.txt')).toBe('v1\n');
    await store.rewindFiles(1);
    expect(read('a.txt')).toBe('v0\n');
    await store.dispose();
    expect(existsSync(store.dir)).toBe(false);
  });

  it("sees what a command changed in a git repository, without touching git's index", async () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: f.root, encoding: 'utf8' });
    git('init', '-q');
    writeFileSync(f.at('tracked.txt'), 'committed\n');
    writeFileSync(f.at('dirty.txt'), 'base\n');
    git('add', '.');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init');
    writeFileSync(f.at('dirty.txt'), 'dirty before\n');
    const indexBefore = readFileSync(path.join(f.root, '.git', 'index'));
    const { watchCommand } = await import('../../src/workspace/checkpoints/command-watch.js');
    store.markPrompt('run it', 0, -1);
    const watch = await watchCommand(f.root, store);
    expect(watch).toBeDefined();
    writeFileSync(f.at('tracked.txt'), 'changed by command\n');
    writeFileSync(f.at('dirty.txt'), 'changed again\n');
    writeFileSync(f.at('made.txt'), 'made\n');
    await watch!.finish();
    expect(store.changes.map((c) => path.basename(c.path)).sort()).toEqual(['dirty.txt', 'made.txt', 'tracked.txt']);
    await store.rewindFiles(1);
    expect([read('tracked.txt'), read('dirty.txt'), existsSync(f.at('made.txt'))]).toEqual(['committed\n', 'dirty before\n', false]);
    expect(readFileSync(path.join(f.root, '.git', 'index')).equals(indexBefore)).toBe(true);
    expect(git('log', '--oneline').trim().split('\n')).toHaveLength(1);
  });
});
