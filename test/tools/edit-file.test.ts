import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEditFileTool } from '../../src/tools/edit-file.js';
import { makeFixture, run, type Fixture } from './fs-fixture.js';

let f: Fixture;
let edit: ReturnType<typeof createEditFileTool>;
beforeEach(async () => {
  f = await makeFixture();
  edit = createEditFileTool(f.ws);
});
afterEach(() => f.cleanup());

const SOURCE = [
  'import { a } from "./a.js";',
  '',
  'export function add(x: number, y: number): number {',
  '  return x + y;',
  '}',
  '',
  'export function sub(x: number, y: number): number {',
  '  return x - y;',
  '}',
  '',
].join('\n');

describe('edit_file', () => {
  it('replaces one exact occurrence and shows the changed lines with context', async () => {
    await writeFile(f.at('m.ts'), SOURCE);
    const r = await run(edit, { path: 'm.ts', old_text: '  return x + y;', new_text: '  const s = x + y;\n  return s;' });
    expect(r.isError).toBeFalsy();
    expect(r.content).toBe([
      'Edited m.ts: replaced 1 occurrence (lines 4-5).',
      'Lines 1-8 now:',
      '     1\timport { a } from "./a.js";',
      '     2\t',
      '     3\texport function add(x: number, y: number): number {',
      '     4\t  const s = x + y;',
      '     5\t  return s;',
      '     6\t}',
      '     7\t',
      '     8\texport function sub(x: number, y: number): number {',
    ].join('\n'));
    expect(await readFile(f.at('m.ts'), 'utf8')).toBe(SOURCE.replace('  return x + y;', '  const s = x + y;\n  return s;'));
    expect(await readdir(f.root)).toEqual(['m.ts']);
  });

  it('shows the closest region when old_text is not found', async () => {
    await writeFile(f.at('m.ts'), SOURCE);
    const r = await run(edit, {
      path: 'm.ts',
      old_text: 'export function sub(x: number, y: number) {\n  return x - y;\n}',
      new_text: 'x',
    });
    expect(r.isError).toBe(true);
    expect(r.content).toMatch(/^old_text was not found in m\.ts\.\nThe most similar text is at lines 7-9 \(\d+% similar\):\n/);
    expect(r.content).toContain('     7\texport function sub(x: number, y: number): number {\n     8\t  return x - y;\n     9\t}');
    expect(r.content).toMatch(/Copy old_text exactly from the file/);
    expect(await readFile(f.at('m.ts'), 'utf8')).toBe(SOURCE);
  });

  it('diagnoses whitespace-only and line-number-prefix mistakes', async () => {
    await writeFile(f.at('m.ts'), SOURCE);
    const ws = await run(edit, { path: 'm.ts', old_text: '    return x + y;', new_text: 'x' });
    expect(ws.content).toMatch(/at line 4 .*\n {5}4\t {2}return x \+ y;\nIt matches if whitespace is ignored/);
    const numbered = await run(edit, { path: 'm.ts', old_text: '     4\t  return x + y;\n     5\t}', new_text: 'x' });
    expect(numbered.content).toMatch(/include read_file.s line-number prefixes.*\n.*lines 4-5/);
    const nothing = await run(edit, { path: 'm.ts', old_text: 'qqqqqqqqqqqq zzzzzzzzz', new_text: 'x' });
    expect(nothing.content).toBe('old_text was not found in m.ts.\n' +
      'Nothing similar was found; read_file the file again to see its current content.');
  });

  it('finds a misspelled fragment of a long line', async () => {
    await writeFile(f.at('c.ts'), 'const config = { retries: 3, timeoutMs: 5000, backoff: "exponential" };\nother();\n');
    const r = await run(edit, { path: 'c.ts', old_text: 'timeoutMS: 5000', new_text: 'timeoutMs: 9000' });
    expect(r.content).toMatch(/The most similar text is at line 1 /);
  });

  it('finds the near match in a 50,000-line file', async () => {
    const line = (i: number, word: string): string => `  const value${i} = compute(${i}, "${word}", options);`;
    await writeFile(f.at('big.ts'), Array.from({ length: 50_000 }, (_, i) => line(i, 'some text here')).join('\n'));
    const oldText = Array.from({ length: 60 }, (_, i) => line(30_000 + i, 'some text hare')).join('\n');
    const r = await run(edit, { path: 'big.ts', old_text: oldText, new_text: 'x' });
    expect(r.content).toMatch(/The most similar text is at lines 30001-30060 \(9\d% similar\)/);
  });

  it('refuses several occurrences without replace_all, giving count and lines', async () => {
    await writeFile(f.at('m.ts'), SOURCE);
    const r = await run(edit, { path: 'm.ts', old_text: 'x: number, y: number', new_text: 'a: number, b: number' });
    expect(r).toEqual({
      content: 'old_text occurs 2 times in m.ts (at lines 3, 7). ' +
        'Add surrounding lines to old_text so it matches exactly one place, or set replace_all to true.',
      isError: true,
    });
    expect(await readFile(f.at('m.ts'), 'utf8')).toBe(SOURCE);
  });

  it('replaces every occurrence with replace_all', async () => {
    await writeFile(f.at('m.ts'), SOURCE);
    const r = await run(edit, { path: 'm.ts', old_text: 'number', new_text: 'bigint', replace_all: true });
    expect(r.content).toMatch(/^Edited m\.ts: replaced 6 occurrences \(first at line 3; all at lines 3, 3, 3, 7, 7, 7\)\./);
    expect(await readFile(f.at('m.ts'), 'utf8')).toBe(SOURCE.replaceAll('number', 'bigint'));
  });

  it('keeps CRLF line endings when old_text and new_text use LF', async () => {
    await writeFile(f.at('w.txt'), 'one\r\ntwo\r\nthree\r\n');
    const r = await run(edit, { path: 'w.txt', old_text: 'one\ntwo\n', new_text: 'uno\ndos\nextra\n' });
    expect(r.isError).toBeFalsy();
    expect(await readFile(f.at('w.txt'), 'utf8')).toBe('uno\r\ndos\r\nextra\r\nthree\r\n');
    await run(edit, { path: 'w.txt', old_text: 'three', new_text: 'tres\ncuatro' });
    expect(await readFile(f.at('w.txt'), 'utf8')).toBe('uno\r\ndos\r\nextra\r\ntres\r\ncuatro\r\n');
  });

  it('keeps a UTF-8 BOM and the file mode', async () => {
    await writeFile(f.at('b.cs'), '\uFEFFclass A {}\n');
    await chmod(f.at('b.cs'), 0o640);
    await run(edit, { path: 'b.cs', old_text: 'class A', new_text: 'class B' });
    const bytes = await readFile(f.at('b.cs'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe('class B {}\n');
    expect((await stat(f.at('b.cs'))).mode & 0o777).toBe(0o640);
  });

  it('reports deletions', async () => {
    await writeFile(f.at('d.txt'), 'a\nb\nc\n');
    const r = await run(edit, { path: 'd.txt', old_text: 'b\n', new_text: '' });
    expect(r.content).toBe('Edited d.txt: replaced 1 occurrence (text removed at line 2).\nLines 1-2 now:\n     1\ta\n     2\tc');
  });

  it('rejects identical texts, empty old_text and bad input by field name', async () => {
    await writeFile(f.at('a.txt'), 'a\n');
    expect(await run(edit, { path: 'a.txt', old_text: 'a', new_text: 'a' })).toEqual({
      content: 'old_text and new_text are identical, so nothing would change; give the new text in new_text.',
      isError: true,
    });
    const empty = await run(edit, { path: 'a.txt', old_text: '', new_text: 'b' });
    expect(empty.content).toMatch(/^Invalid input for edit_file: old_text: must not be empty; to create or rewrite a whole file use write_file/);
    const bad = await run(edit, { path: 'a.txt', old_text: 'a', new_txt: 'b' });
    expect(bad.isError).toBe(true);
    expect(bad.content).toMatch(/^Invalid input for edit_file: new_text: /);
    const wrongType = await run(edit, { path: 'a.txt', old_text: 'a', new_text: 'b', replace_all: 'yes' });
    expect(wrongType.content).toMatch(/replace_all: /);
  });

  it('shows the model a schema with the documented fields', () => {
    expect(edit.name).toBe('edit_file');
    expect(edit.readOnly).toBeFalsy();
    expect(edit.inputSchema).toMatchObject({
      type: 'object',
      required: ['path', 'old_text', 'new_text'],
      properties: { replace_all: { type: 'boolean' }, old_text: { type: 'string', minLength: 1 } },
    });
  });

  it('explains missing files and stays inside the workspace', async () => {
    await writeFile(f.at('main.ts'), 'x');
    expect((await run(edit, { path: 'mian.ts', old_text: 'x', new_text: 'y' })).content)
      .toBe('File not found: mian.ts. Did you mean main.ts? To create a new file, use write_file.');
    await writeFile(path.join(f.logs, 'task.log'), 'x');
    const r = await run(edit, { path: path.join(f.logs, 'task.log'), old_text: 'x', new_text: 'y' });
    expect(r.content).toMatch(/read-only/);
    expect((await run(edit, { path: '../logs/task.log', old_text: 'x', new_text: 'y' })).isError).toBe(true);
    expect(await readFile(path.join(f.logs, 'task.log'), 'utf8')).toBe('x');
  });

  it('refuses binary and non-UTF-8 files', async () => {
    await writeFile(f.at('b.bin'), Buffer.from('ab\0cd'));
    expect((await run(edit, { path: 'b.bin', old_text: 'ab', new_text: 'x' })).content).toMatch(/looks binary/);
    await writeFile(f.at('latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expect((await run(edit, { path: 'latin1.txt', old_text: 'caf', new_text: 'x' })).content).toMatch(/not valid UTF-8/);
  });
});
