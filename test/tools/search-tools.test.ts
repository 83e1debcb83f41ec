import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toolResultText } from '../../src/core/text.js';
import { createGlobTool } from '../../src/tools/glob.js';
import { createGrepTool } from '../../src/tools/grep.js';
import { createLsTool } from '../../src/tools/ls.js';
import { javascriptBackend } from '../../src/tools/search/js-search.js';
import { ripgrepBackend } from '../../src/tools/search/ripgrep.js';
import type { SearchBackend } from '../../src/tools/search/backend.js';
import { makeFixture, run, type Fixture } from './fs-fixture.js';
import { requireRipgrep } from '../support/ripgrep.js';

let f: Fixture;
afterEach(() => f.cleanup());

/** A small repository-like tree: ignored build output, nested .gitignore, hidden files, a binary, a symlink. */
async function tree(): Promise<void> {
  const files: Record<string, string> = {
    '.gitignore': 'dist/\n*.log\n!keep.log\n',
    'README.md': '# Demo\nTODO: write docs\n',
    'keep.log': 'TODO kept log\n',
    'noise.log': 'TODO ignored log\n',
    'dist/out.js': 'TODO built\n',
    'src/a.ts': 'export const a = 1;\n// TODO: fix a\nconst b = a + 1;\n',
    'src/b.ts': 'line one\nline two\nTODO in b\nline four\nline five\n',
    'src/deep/c.tsx': 'export function C() { return null } // todo lower\n',
    'src/deep/.gitignore': 'secret.ts\n',
    'src/deep/secret.ts': 'TODO hidden by nested ignore\n',
    '.github/workflows/ci.yml': 'run: echo TODO\n',
    'crlf.txt': 'one\r\nTODO crlf\r\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(f.at(rel)), { recursive: true });
    await writeFile(f.at(rel), text);
  }
  await writeFile(f.at('src/blob.bin'), Buffer.from([0x54, 0x4f, 0x44, 0x4f, 0, 1, 2]));
  await symlink(f.at('src/a.ts'), f.at('src/link.ts'));
}

const backends: [string, (ctx: { skip(note?: string): void }) => SearchBackend][] = [
  ['ripgrep', (ctx) => { requireRipgrep(ctx); return ripgrepBackend('rg'); }],
  ['javascript', () => javascriptBackend()],
];

describe.each(backends)('search tools with %s', (_name, makeBackend) => {
  let backend: SearchBackend;
  beforeEach(async (ctx) => {
    backend = makeBackend(ctx);
    f = await makeFixture();
    await tree();
  });

  it('glob lists files by pattern, skipping ignored, binary-agnostic, symlinks not followed', async () => {
    const r = await run(createGlobTool(f.ws, { backend }), { pattern: '**/*' });
    expect(toolResultText(r.content)).toBe([
      '.github/workflows/ci.yml', '.gitignore', 'README.md', 'crlf.txt', 'keep.log',
      'src/a.ts', 'src/b.ts', 'src/blob.bin', 'src/deep/.gitignore', 'src/deep/c.tsx',
      '[10 files]',
    ].join('\n'));
    const ts = await run(createGlobTool(f.ws, { backend }), { pattern: '*.{ts,tsx}', path: 'src' });
    expect(toolResultText(ts.content)).toBe('src/a.ts\nsrc/b.ts\nsrc/deep/c.tsx\n[3 files]');
    const capped = await run(createGlobTool(f.ws, { backend }), { pattern: 'src/**', limit: 2 });
    expect(toolResultText(capped.content)).toBe(
      'src/a.ts\nsrc/b.ts\n[5 files; showing the first 2: narrow the pattern or path, or raise limit]');
  });

  it('grep shows matching lines by file with counts, respecting .gitignore', async () => {
    const r = await run(createGrepTool(f.ws, { backend }), { pattern: 'TODO' });
    expect(r.isError).toBeFalsy();
    expect(toolResultText(r.content)).toBe([
      '.github/workflows/ci.yml', '1: run: echo TODO', '',
      'README.md', '2: TODO: write docs', '',
      'crlf.txt', '2: TODO crlf', '',
      'keep.log', '1: TODO kept log', '',
      'src/a.ts', '2: // TODO: fix a', '',
      'src/b.ts', '3: TODO in b',
      '[6 matching lines in 6 files]',
    ].join('\n'));
    expect(r.details).toEqual({ kind: 'search', matches: 6, files: 6 });
  });

  it('grep takes case, context, glob, files output and limits', async () => {
    const grep = createGrepTool(f.ws, { backend });
    const ci = await run(grep, { pattern: 'todo', ignore_case: true, path: 'src', glob: '*.tsx' });
    expect(toolResultText(ci.content)).toBe('src/deep/c.tsx\n1: export function C() { return null } // todo lower\n[1 matching line in 1 file]');
    const ctx = await run(grep, { pattern: 'TODO in', context: 1 });
    expect(toolResultText(ctx.content)).toBe('src/b.ts\n2- line two\n3: TODO in b\n4- line four\n[1 matching line in 1 file]');
    const files = await run(grep, { pattern: 'line', output: 'files' });
    expect(toolResultText(files.content)).toBe('src/b.ts (4)\n[4 matching lines in 1 file]');
    const few = await run(grep, { pattern: 'TODO', limit: 2 });
    expect(toolResultText(few.content)).toBe([
      '.github/workflows/ci.yml', '1: run: echo TODO', '', 'README.md', '2: TODO: write docs',
      '[6 matching lines in 6 files; showing 2 matches (limit 2 lines): narrow with path or glob, raise limit, or use output "files"]',
    ].join('\n'));
    const none = await run(grep, { pattern: 'nothing-here' });
    expect(toolResultText(none.content)).toBe('No matches for "nothing-here" in ..');
  });

  it('grep refuses a bad pattern with what to do, and searches one file when given one', async () => {
    const grep = createGrepTool(f.ws, { backend });
    const bad = await run(grep, { pattern: '(a' });
    expect(bad.isError).toBe(true);
    expect(toolResultText(bad.content)).toMatch(/^The pattern "\(a" is not a valid regular expression .*RE2 syntax/);
    const back = await run(grep, { pattern: '(a)\\1' });
    expect(back.isError).toBe(true);
    const one = await run(grep, { pattern: 'ignored', path: 'noise.log' });
    expect(toolResultText(one.content)).toBe('noise.log\n1: TODO ignored log\n[1 matching line in 1 file]');
    const outside = await run(grep, { pattern: 'x', path: f.outside });
    expect(outside.isError).toBe(true);
  });

  it('a pathological pattern runs in linear time', async () => {
    await writeFile(f.at('src/evil.txt'), `${'a'.repeat(5000)}!\n`);
    const r = await run(createGrepTool(f.ws, { backend }), { pattern: '(a+)+$', path: 'src', glob: 'evil.txt' });
    expect(toolResultText(r.content)).toBe('No matches for "(a+)+$" in src.');
  });
});

describe('ls', () => {
  beforeEach(async () => {
    f = await makeFixture();
    await tree();
  });

  it('lists a level, or a few, naming what .gitignore hides', async () => {
    const ls = createLsTool(f.ws);
    expect(toolResultText((await run(ls, {})).content)).toBe([
      '.github/', '.gitignore', 'README.md', 'crlf.txt', 'keep.log', 'src/',
      '[ignored by .gitignore, not listed: dist/ noise.log]',
    ].join('\n'));
    expect(toolResultText((await run(ls, { path: 'src', depth: 2 })).content)).toBe([
      'a.ts', 'b.ts', 'blob.bin', 'deep/', '  .gitignore', '  c.tsx', 'link.ts@',
    ].join('\n'));
    expect((await run(ls, { path: 'src/a.ts' })).isError).toBe(true);
  });
});
