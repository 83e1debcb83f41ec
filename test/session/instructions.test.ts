// Project instructions: where they are read from, in what order, and `@path` imports (relative, ~, nested up
// to a depth, cycles included once) — with an untrusted workspace's files kept from importing outside it.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findInstructionFiles, importsOf, MAX_IMPORT_DEPTH } from '../../src/session/instructions.js';

let base: string;
let ws: string;
let home: string;
let userHome: string;
let warnings: string[];
beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'tandem-instr-')));
  ws = path.join(base, 'work', 'repo');
  home = path.join(base, 'tandem-home');
  userHome = path.join(base, 'user');
  for (const d of [ws, home, userHome]) mkdirSync(d, { recursive: true });
  warnings = [];
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function put(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}
const find = (trusted = true) => findInstructionFiles({ cwd: ws, home, userHome, trusted, warn: (l) => warnings.push(l) });
const shown = (files: { path: string; importedBy?: string }[]) =>
  files.map((f) => `${path.relative(base, f.path)}${f.importedBy ? ` <- ${path.relative(base, f.importedBy)}` : ''}`);

describe('instruction files', () => {
  it('the user\'s own first, then parents down to the workspace: AGENTS.md, CLAUDE.md, .claude/CLAUDE.md, CLAUDE.local.md', () => {
    put(path.join(home, 'AGENTS.md'), 'tandem user');
    put(path.join(userHome, '.claude', 'CLAUDE.md'), 'claude user');
    put(path.join(base, 'work', 'CLAUDE.md'), 'parent');
    put(path.join(ws, 'CLAUDE.local.md'), 'mine, not committed');
    put(path.join(ws, '.claude', 'CLAUDE.md'), 'dot claude');
    put(path.join(ws, 'AGENTS.md'), 'agents');
    expect(shown(find())).toEqual([
      'tandem-home/AGENTS.md', 'user/.claude/CLAUDE.md', 'work/CLAUDE.md',
      'work/repo/AGENTS.md', 'work/repo/.claude/CLAUDE.md', 'work/repo/CLAUDE.local.md',
    ]);
  });

  it('@imports: relative to the importing file, ~/ from the home folder, nested, each after its importer', () => {
    put(path.join(ws, 'CLAUDE.md'), 'See @docs/style.md and @~/prefs.md for more.\nMail me at me@example.com.');
    put(path.join(ws, 'docs', 'style.md'), 'Style. Also @./naming.md');
    put(path.join(ws, 'docs', 'naming.md'), 'Naming.');
    put(path.join(userHome, 'prefs.md'), 'Prefs.');
    const files = find();
    expect(shown(files)).toEqual([
      'work/repo/CLAUDE.md', 'work/repo/docs/style.md <- work/repo/CLAUDE.md',
      'work/repo/docs/naming.md <- work/repo/docs/style.md', 'user/prefs.md <- work/repo/CLAUDE.md',
    ]);
    expect(files[2]!.text).toBe('Naming.');
  });

  it('a cycle includes each file once; CLAUDE.md importing AGENTS.md does not repeat it', () => {
    put(path.join(ws, 'AGENTS.md'), 'agents @a.md');
    put(path.join(ws, 'CLAUDE.md'), '@AGENTS.md');
    put(path.join(ws, 'a.md'), 'a @b.md');
    put(path.join(ws, 'b.md'), 'b @a.md @AGENTS.md');
    expect(shown(find())).toEqual(['work/repo/AGENTS.md', 'work/repo/a.md <- work/repo/AGENTS.md', 'work/repo/b.md <- work/repo/a.md', 'work/repo/CLAUDE.md']);
  });

  it(`imports nest at most ${MAX_IMPORT_DEPTH} levels deep, and the one too deep is named`, () => {
    put(path.join(ws, 'CLAUDE.md'), '@l1.md');
    for (let i = 1; i <= MAX_IMPORT_DEPTH + 1; i++) put(path.join(ws, `l${i}.md`), `level ${i} @l${i + 1}.md`);
    const files = find();
    expect(files.map((f) => path.basename(f.path))).toEqual(['CLAUDE.md', ...Array.from({ length: MAX_IMPORT_DEPTH }, (_, i) => `l${i + 1}.md`)]);
    expect(warnings).toEqual([`${path.join(ws, `l${MAX_IMPORT_DEPTH}.md`)}: @l${MAX_IMPORT_DEPTH + 1}.md not imported: imports nest at most ${MAX_IMPORT_DEPTH} levels deep`]);
  });

  it('untrusted, a workspace file cannot import from outside it; the user\'s own files still can', () => {
    put(path.join(userHome, '.ssh', 'id_rsa'), 'PRIVATE KEY');
    put(path.join(userHome, 'prefs.md'), 'Prefs.');
    put(path.join(userHome, '.claude', 'CLAUDE.md'), '@~/prefs.md');
    put(path.join(ws, 'CLAUDE.md'), 'Read @~/.ssh/id_rsa and @../../user/prefs.md and @local.md');
    put(path.join(ws, 'local.md'), 'Local.');
    const files = find(false);
    expect(shown(files)).toEqual(['user/.claude/CLAUDE.md', 'user/prefs.md <- user/.claude/CLAUDE.md', 'work/repo/CLAUDE.md', 'work/repo/local.md <- work/repo/CLAUDE.md']);
    expect(files.map((f) => f.text).join('\n')).not.toContain('PRIVATE KEY');
    expect(warnings).toEqual([`${path.join(ws, 'CLAUDE.md')}: @~/.ssh/id_rsa not imported: it is outside the workspace, which is not trusted (tandem trust trusts it)`]);
    expect(shown(find(true))).toContain('user/.ssh/id_rsa <- work/repo/CLAUDE.md');
  });

  it('@ inside code blocks and code spans is not an import; trailing punctuation is not part of the path', () => {
    expect(importsOf('Use `@types/node` and\n```\n@inside.md\n```\nsee @outside.md, then @end.md.')).toEqual(['outside.md', 'end.md']);
  });
});
