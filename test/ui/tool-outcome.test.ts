import { writeFileSync } from 'node:fs';
import path from 'node:path';
import chalk from 'chalk';
import stripAnsi from 'strip-ansi';
import { describe, expect, it } from 'vitest';
import { readForDiff } from '../../src/cli/ui/diff-view.js';
import { editTarget, toolOutcome } from '../../src/cli/ui/tool-outcome.js';
import { tempDir } from '../support/cli.js';

chalk.level = 0;

describe('toolOutcome', () => {
  it('shows a bash exit status and the first lines with a count of the rest', () => {
    const o = toolOutcome('bash', { content: 'a\nb\nc\nd\ne\n[exited with code 2]' });
    expect(o).toEqual({ ok: false, status: 'exit 2', lines: ['a', 'b', 'c'], more: 2 });
    expect(toolOutcome('bash', { content: 'fine' })).toMatchObject({ ok: true, status: 'exit 0', lines: ['fine'] });
    expect(toolOutcome('bash', { content: '(no output yet)\n[still running after 2m: moved to the background as task f1]' }).status)
      .toBe('moved to background');
  });

  it('marks tool errors', () => {
    expect(toolOutcome('read_file', { content: 'no such file', isError: true })).toMatchObject({ ok: false, status: 'error' });
  });

  it('shows an edit as a diff of the file before and after', () => {
    const root = tempDir();
    const file = path.join(root, 'a.txt');
    writeFileSync(file, 'one\ntwo\nthree\n');
    const target = editTarget('edit_file', { path: 'a.txt' }, root)!;
    const before = { file: target, text: readForDiff(target) };
    writeFileSync(file, 'one\nTWO\nthree\n');
    const o = toolOutcome('edit_file', { content: 'Replaced 1 occurrence' }, before);
    expect(o.status).toBe('+1 -1');
    expect(o.diff!.lines.map(stripAnsi)).toEqual(['    1   one', '    2 - two', '    2 + TWO', '    3   three']);
    expect(editTarget('bash', { path: 'a.txt' }, root)).toBeUndefined();
  });

  it('diffs a new file against nothing', () => {
    const root = tempDir();
    const target = editTarget('write_file', { path: 'new.txt' }, root)!;
    const before = { file: target, text: readForDiff(target) };
    expect(before.text).toBe('');
    writeFileSync(target, 'hello\n');
    expect(toolOutcome('write_file', { content: 'Wrote' }, before)).toMatchObject({ status: '+1 -0' });
  });
});
