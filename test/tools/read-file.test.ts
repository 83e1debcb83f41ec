import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReadFileTool } from '../../src/tools/read-file.js';
import { ctx, makeFixture, run, type Fixture } from './fs-fixture.js';
import { toolResultText } from '../../src/core/text.js';

let f: Fixture;
let read: ReturnType<typeof createReadFileTool>;
beforeEach(async () => {
  f = await makeFixture();
  read = createReadFileTool(f.ws);
});
afterEach(() => f.cleanup());

const lines = (n: number, from = 1): string =>
  Array.from({ length: n }, (_, i) => `line ${from + i}`).join('\n') + '\n';

describe('read_file', () => {
  it('shows numbered lines with the whole file when it is small', async () => {
    await writeFile(f.at('a.ts'), 'const a = 1;\n\tindented\n');
    const r = await run(read, { path: 'a.ts' });
    expect(r.isError).toBeFalsy();
    expect(r.content).toBe('     1\tconst a = 1;\n     2\t\tindented');
  });

  it('reads a window of a big file and says how to continue', async () => {
    await writeFile(f.at('big.txt'), lines(200_000));
    const r = await run(read, { path: 'big.txt', offset: 150_000, limit: 3 });
    expect(r.content).toBe([
      '150000\tline 150000', '150001\tline 150001', '150002\tline 150002',
      '[showing lines 150000-150002 of 200000; call read_file with offset=150003 to continue]',
    ].join('\n'));
    const head = await run(read, { path: 'big.txt' });
    const shown = toolResultText(head.content).split('\n');
    expect(shown[0]).toBe('     1\tline 1');
    expect(shown[1999]).toBe('  2000\tline 2000');
    expect(shown[2000]).toBe('[showing lines 1-2000 of 200000; call read_file with offset=2001 to continue]');
    expect(shown).toHaveLength(2001);
  });

  it('streams: a window at the start of a 1 GiB file costs only the window', async () => {
    await writeFile(f.at('huge.log'), lines(1000));
    await truncate(f.at('huge.log'), 1024 ** 3); // sparse: no disk used, but a full scan would read 1 GiB
    // The hint says the lines were not counted: the reader stopped after the window instead of scanning 1 GiB.
    const r = await run(read, { path: 'huge.log', offset: 999, limit: 2 });
    expect(r.content).toBe('   999\tline 999\n  1000\tline 1000\n' +
      '[showing lines 999-1000; more lines follow (the file is 1 GiB, so lines were not counted); ' +
      'call read_file with offset=1001 to continue]');
  });

  it('stops when interrupted', async () => {
    await writeFile(f.at('a.txt'), lines(10));
    const abort = new AbortController();
    abort.abort();
    const r = await read.execute({ path: 'a.txt' }, ctx(abort.signal));
    expect(r).toEqual({ content: 'read_file of a.txt was interrupted.', isError: true });
  });

  it('marks the end of file when reading from an offset to the end', async () => {
    await writeFile(f.at('a.txt'), lines(10));
    const r = await run(read, { path: 'a.txt', offset: 9 });
    expect(r.content).toBe('     9\tline 9\n    10\tline 10\n[end of file; showing lines 9-10 of 10]');
  });

  it('reports an offset past the end', async () => {
    await writeFile(f.at('a.txt'), lines(10));
    const r = await run(read, { path: 'a.txt', offset: 11 });
    expect(r.isError).toBe(true);
    expect(r.content).toBe('a.txt has 10 lines; offset=11 is past the end. Call read_file with an offset from 1 to 10.');
  });

  it('refuses binary files (images are shown: read-image.test.ts)', async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), Buffer.alloc(12_339, 7)]);
    await writeFile(f.at('x.zip'), zip);
    const r = await run(read, { path: 'x.zip' });
    expect(r.isError).toBe(true);
    expect(r.content).toMatch(/^"x\.zip" is a binary file \(application\/zip\?, 12,345 bytes\); read_file shows text only\./);
    await writeFile(f.at('data.bin'), Buffer.from('abc\0def'));
    expect((await run(read, { path: 'data.bin' })).content).toMatch(/^"data\.bin" is a binary file \(7 bytes\)/);
  });

  it('caps long lines and the whole output', async () => {
    await writeFile(f.at('long.txt'), `short\n${'x'.repeat(5000)}\nend\n`);
    const r = await run(read, { path: 'long.txt' });
    const out = toolResultText(r.content).split('\n');
    expect(out[0]).toBe('     1\tshort');
    expect(out[1]).toBe(`     2\t${'x'.repeat(2000)}… [line truncated, 5,000 chars]`);
    expect(out[2]).toBe('     3\tend');
    expect(out[3]).toMatch(/lines over 2,000 characters were cut/);

    // 100 lines of 1,500 chars: the 50,000-char output cap stops the window early.
    await writeFile(f.at('wide.txt'), Array.from({ length: 100 }, () => 'y'.repeat(1500)).join('\n'));
    const wide = await run(read, { path: 'wide.txt' });
    expect(wide.content.length).toBeLessThan(52_000);
    expect(wide.content).toMatch(/\[showing lines 1-(\d+) of 100 \(output capped at 50,000 characters\); call read_file with offset=\d+ to continue\]$/);
  });

  it('caps a huge single line without holding it whole', async () => {
    await writeFile(f.at('one.txt'), 'é'.repeat(3_000_000));
    const r = await run(read, { path: 'one.txt' });
    expect(r.content).toBe(`     1\t${'é'.repeat(2000)}… [line truncated, 3,000,000 chars]\n` +
      '[lines over 2,000 characters were cut; view the rest of one with a shell command such as cut -c2001-6000]');
  });

  it('suggests close names for a missing file', async () => {
    await mkdir(f.at('src'));
    await writeFile(f.at('src', 'utils.ts'), '');
    const r = await run(read, { path: 'src/utls.ts' });
    expect(r.isError).toBe(true);
    expect(r.content).toBe('File not found: src/utls.ts. Did you mean src/utils.ts?');
    expect((await run(read, { path: 'src/zzz.ts' })).content).toBe('File not found: src/zzz.ts.');
    const deep = await run(read, { path: 'scr/utils.ts' });
    expect(deep.content).toBe('File not found: scr/utils.ts. (Folder scr does not exist.) Did you mean src/utils.ts?');
  });

  it('lists a directory', async () => {
    await mkdir(f.at('src', 'lib'), { recursive: true });
    await writeFile(f.at('src', 'a.ts'), '');
    const r = await run(read, { path: 'src' });
    expect(r.isError).toBe(true);
    expect(r.content).toBe('src is a directory, not a file; it has 2 entries:\n  a.ts\n  lib/\n' +
      'Call read_file with the path of a file inside it.');
    for (let i = 0; i < 60; i++) await writeFile(f.at('src', 'lib', `f${String(i).padStart(2, '0')}.ts`), '');
    const many = await run(read, { path: 'src/lib' });
    expect(many.content).toMatch(/it has 60 entries:\n {2}f00\.ts\n/);
    expect(many.content).toMatch(/ {2}\.\.\. and 10 more/);
  });

  it('says an empty file is empty and strips a BOM and CRs from display', async () => {
    await writeFile(f.at('empty.txt'), '');
    expect((await run(read, { path: 'empty.txt' })).content).toBe('empty.txt is empty (0 bytes).');
    await writeFile(f.at('bom.txt'), '\uFEFFfirst\r\nsecond\r\n');
    expect((await run(read, { path: 'bom.txt' })).content).toBe('     1\tfirst\n     2\tsecond');
  });

  it('counts a last line without a newline and keeps blank lines', async () => {
    await writeFile(f.at('a.txt'), '\n\nthird');
    const r = await run(read, { path: 'a.txt', limit: 2 });
    expect(r.content).toBe('     1\t\n     2\t\n[showing lines 1-2 of 3; call read_file with offset=3 to continue]');
  });

  it('stays inside the workspace and reads read roots', async () => {
    await writeFile(path.join(f.outside, 'secret.txt'), 'secret');
    await symlink(path.join(f.outside, 'secret.txt'), f.at('s.txt'));
    const r = await run(read, { path: 's.txt' });
    expect(r.isError).toBe(true);
    expect(r.content).toMatch(/outside the workspace/);
    await writeFile(path.join(f.logs, 'task.log'), 'done\n');
    expect((await run(read, { path: path.join(f.logs, 'task.log') })).content).toBe('     1\tdone');
  });

  it('rejects invalid input naming the field', async () => {
    const r = await run(read, { path: 'a.txt', offset: 0 });
    expect(r.isError).toBe(true);
    expect(r.content).toMatch(/^Invalid input for read_file: offset: /);
    expect((await run(read, { offset: 2 })).content).toMatch(/path: /);
  });

  it('shows the model a read-only tool with the documented fields', () => {
    expect(read.name).toBe('read_file');
    expect(read.readOnly).toBe(true);
    expect(read.inputSchema).toMatchObject({
      type: 'object',
      required: ['path'],
      properties: { offset: { type: 'integer', minimum: 1 }, limit: { type: 'integer', minimum: 1 } },
    });
  });

  it('summarizes its input', () => {
    expect(read.summarize?.({ path: 'a.ts' })).toBe('a.ts');
    expect(read.summarize?.({ path: 'a.ts', offset: 10, limit: 41 })).toBe('a.ts:10-50');
  });
});
