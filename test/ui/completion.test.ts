import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { complete } from '../../src/cli/ui/completion.js';
import { tempDir } from '../support/cli.js';

const commands = ['/help', '/tasks', '/kill', '/logs', '/clear', '/compact', '/cost', '/exit'];
const at = (text: string) => ({ text, cursor: text.length });

describe('complete', () => {
  it('completes a slash command, or its common prefix with the candidates', () => {
    expect(complete(at('/he'), { commands, cwd: '/' })).toEqual({ editor: at('/help '), candidates: [] });
    expect(complete(at('/c'), { commands, cwd: '/' })).toEqual({ editor: at('/c'), candidates: ['/clear', '/compact', '/cost'] });
    expect(complete(at('/co'), { commands, cwd: '/' }).candidates).toEqual(['/compact', '/cost']);
  });

  it('completes paths relative to the workspace, after @ too', () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'src/cli'), { recursive: true });
    writeFileSync(path.join(cwd, 'src/cli/main.ts'), '');
    writeFileSync(path.join(cwd, 'src/cli/repl.ts'), '');
    writeFileSync(path.join(cwd, '.hidden'), '');
    expect(complete(at('look at sr'), { commands, cwd }).editor.text).toBe('look at src/');
    expect(complete(at('read @src/cli/m'), { commands, cwd }).editor.text).toBe('read @src/cli/main.ts ');
    const both = complete(at('src/cli/'), { commands, cwd });
    expect(both.candidates).toEqual(['main.ts', 'repl.ts']);
    expect(complete(at('x '), { commands, cwd }).candidates).toEqual([]);
    expect(complete(at('.hi'), { commands, cwd }).editor.text).toBe('.hidden ');
  });

  it('keeps the text after the cursor', () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'package.json'), '');
    expect(complete({ text: 'cat pack | head', cursor: 8 }, { commands, cwd }).editor).toEqual({ text: 'cat package.json  | head', cursor: 17 });
  });
});
