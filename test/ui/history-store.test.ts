import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/cli/ui/history-store.js';
import { tempDir } from '../support/cli.js';

describe('HistoryStore', () => {
  it('keeps entries across instances, multi-line ones included, without repeats', () => {
    const file = path.join(tempDir(), 'history');
    const a = new HistoryStore(file);
    a.add('first');
    a.add('two\nlines');
    a.add('two\nlines');
    expect(new HistoryStore(file).entries).toEqual(['first', 'two\nlines']);
  });

  it('is bounded and rewrites a long file', () => {
    const file = path.join(tempDir(), 'history');
    const store = new HistoryStore(file, 5);
    for (let i = 0; i < 12; i++) store.add(`entry ${i}`);
    expect(store.entries).toEqual(['entry 7', 'entry 8', 'entry 9', 'entry 10', 'entry 11']);
    expect(readFileSync(file, 'utf8').trim().split('\n').length).toBeLessThanOrEqual(10);
    expect(new HistoryStore(file, 5).entries).toEqual(store.entries);
  });

  it('skips torn lines and survives a missing or unwritable file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'history');
    writeFileSync(file, '"ok"\n{"torn\n42\n"also ok"\n');
    expect(new HistoryStore(file).entries).toEqual(['ok', 'also ok']);
    const nowhere = new HistoryStore(path.join(dir, 'history', 'inside-a-file'));
    expect(() => nowhere.add('x')).not.toThrow();
    expect(nowhere.entries).toEqual(['x']);
  });
});
