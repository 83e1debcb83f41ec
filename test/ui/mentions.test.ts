import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandMentions, findMentions, MAX_MENTION_BYTES } from '../../src/cli/ui/mentions.js';
import { createWorkspace } from '../../src/workspace/paths.js';
import { tempDir } from '../support/cli.js';

describe('@path mentions', () => {
  it('finds @words but not mail addresses', () => {
    expect(findMentions('see @src/a.ts and mail me@example.com, then @b.md.')).toEqual(['src/a.ts', 'b.md.']);
  });

  it('attaches files inside the workspace and says why others are not', async () => {
    const root = tempDir();
    const outside = tempDir();
    mkdirSync(path.join(root, 'src'));
    writeFileSync(path.join(root, 'src/a.ts'), 'export const a = 1;\n');
    writeFileSync(path.join(outside, 'secret.txt'), 'no');
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'));
    writeFileSync(path.join(root, 'bin.dat'), Buffer.from([1, 0, 2]));
    const ws = await createWorkspace(root);
    const m = await expandMentions('fix @src/a.ts. also @link.txt @missing.ts @src @bin.dat', ws);
    expect(m.blocks).toEqual([{ type: 'text', text: '<file path="src/a.ts">\nexport const a = 1;\n\n</file>' }]);
    expect(m.notes).toEqual([
      'attached src/a.ts (1 line)',
      'not attached: @link.txt (outside the workspace)',
      'not attached: @missing.ts (no such file)',
      'not attached: @src (a folder)',
      'not attached: @bin.dat (a binary file)',
    ]);
  });

  it('bounds a big file', async () => {
    const root = tempDir();
    writeFileSync(path.join(root, 'big.txt'), 'x'.repeat(99) + '\n'.repeat(1) + 'y\n'.repeat(MAX_MENTION_BYTES));
    const m = await expandMentions('@big.txt', await createWorkspace(root));
    expect(m.blocks[0]!.text.length).toBeLessThan(MAX_MENTION_BYTES + 500);
    expect(m.blocks[0]!.text).toContain('truncated');
    expect(m.notes[0]).toMatch(/truncated/);
  });
});
