import { chmod, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWriteFileTool } from '../../src/tools/write-file.js';
import { makeFixture, run, type Fixture } from './fs-fixture.js';

let f: Fixture;
let write: ReturnType<typeof createWriteFileTool>;
beforeEach(async () => {
  f = await makeFixture();
  write = createWriteFileTool(f.ws);
});
afterEach(() => f.cleanup());

describe('write_file', () => {
  it('creates a file and its parent folders', async () => {
    const r = await run(write, { path: 'src/deep/new.ts', content: 'a\nb\n' });
    expect(r).toEqual({ content: 'Wrote 4 bytes (2 lines) to src/deep/new.ts; created a new file.' });
    expect(await readFile(f.at('src', 'deep', 'new.ts'), 'utf8')).toBe('a\nb\n');
  });

  it('overwrites atomically, keeps the mode and leaves no temp files', async () => {
    await writeFile(f.at('run.sh'), 'old');
    await chmod(f.at('run.sh'), 0o751);
    const r = await run(write, { path: 'run.sh', content: '#!/bin/sh\necho hi' });
    expect(r.content).toBe('Wrote 17 bytes (2 lines) to run.sh; overwrote the existing file.');
    expect(await readFile(f.at('run.sh'), 'utf8')).toBe('#!/bin/sh\necho hi');
    expect((await stat(f.at('run.sh'))).mode & 0o777).toBe(0o751);
    expect(await readdir(f.root)).toEqual(['run.sh']);
  });

  it('counts bytes, not characters', async () => {
    const r = await run(write, { path: 'u.txt', content: 'é' });
    expect(r.content).toBe('Wrote 2 bytes (1 line) to u.txt; created a new file.');
  });

  it('writes through an inside symlink to its target, keeping the link', async () => {
    await mkdir(f.at('real'));
    await writeFile(f.at('real', 'conf.json'), '{}');
    await symlink('real/conf.json', f.at('conf.json'));
    const r = await run(write, { path: 'conf.json', content: '{"a":1}' });
    expect(r.content).toBe('Wrote 7 bytes (1 line) to real/conf.json; overwrote the existing file.');
    expect(await readFile(f.at('real', 'conf.json'), 'utf8')).toBe('{"a":1}');
    expect(await readlink(f.at('conf.json'))).toBe('real/conf.json');
  });

  it('never writes outside the workspace', async () => {
    await symlink(path.join(f.outside, 'planted'), f.at('dangling'));
    for (const p of ['../escape.txt', path.join(f.outside, 'x'), 'dangling', path.join(f.logs, 'task.log')]) {
      const r = await run(write, { path: p, content: 'x' });
      expect(r.isError, p).toBe(true);
    }
    expect(await readdir(f.outside)).toEqual([]);
    expect(await readdir(f.logs)).toEqual([]);
    expect((await readdir(f.base)).sort()).toEqual(['logs', 'outside', 'root']);
  });

  it('refuses to replace a directory', async () => {
    await mkdir(f.at('src'));
    const r = await run(write, { path: 'src', content: 'x' });
    expect(r).toEqual({ content: 'src is a directory; give a file path instead.', isError: true });
  });

  it('shows the model a schema with the documented fields and summarizes calls', () => {
    expect(write.name).toBe('write_file');
    expect(write.inputSchema).toMatchObject({ type: 'object', required: ['path', 'content'] });
    expect(write.summarize?.({ path: 'a.ts', content: 'x\ny\n' })).toBe('a.ts (2 lines)');
  });

  it('rejects invalid input naming the field', async () => {
    const r = await run(write, { path: 'a.txt', content: 42 });
    expect(r.isError).toBe(true);
    expect(r.content).toMatch(/^Invalid input for write_file: content: /);
  });
});
