import { describe, expect, it } from 'vitest';
import * as ed from '../../src/cli/ui/editor.js';

const at = (text: string, cursor = text.length): ed.EditorState => ({ text, cursor });

describe('editor', () => {
  it('inserts and deletes at the cursor', () => {
    expect(ed.insert(at('helo', 3), 'l')).toEqual(at('hello', 4));
    expect(ed.backspace(at('hello', 1))).toEqual(at('ello', 0));
    expect(ed.deleteForward(at('hello', 0))).toEqual(at('ello', 0));
    expect(ed.backspace(at('', 0))).toEqual(at('', 0));
  });

  it('keeps surrogate pairs whole', () => {
    expect(ed.backspace(at('a😀'))).toEqual(at('a'));
    expect(ed.left(at('a😀'))).toEqual(at('a😀', 1));
    expect(ed.right(at('😀b', 0))).toEqual(at('😀b', 2));
  });

  it('moves by line and word like a shell', () => {
    expect(ed.lineStart(at('one\ntwo', 6)).cursor).toBe(4);
    expect(ed.lineEnd(at('one\ntwo', 1)).cursor).toBe(3);
    expect(ed.wordLeft(at('git commit -m', 13)).cursor).toBe(12);
    expect(ed.wordLeft(at('git commit', 10)).cursor).toBe(4);
    expect(ed.wordRight(at('git commit', 0)).cursor).toBe(3);
  });

  it('deletes words and line parts (Ctrl+W, Alt+D, Ctrl+U, Ctrl+K)', () => {
    expect(ed.deleteWordBefore(at('npm run build  '))).toEqual(at('npm run '));
    expect(ed.deleteWordBefore(at('a src/x.ts'))).toEqual(at('a '));
    expect(ed.deleteWordAfter(at('foo bar', 0))).toEqual(at(' bar', 0));
    expect(ed.killToLineStart(at('one\ntwo', 6))).toEqual(at('one\no', 4));
    expect(ed.killToLineEnd(at('one\ntwo', 1))).toEqual(at('o\ntwo', 1));
    expect(ed.killToLineEnd(at('one\ntwo', 3))).toEqual(at('onetwo', 3));
  });

  it('moves up and down inside multi-line input and reports the edges', () => {
    const s = at('first\nsecond line\nx', 10);
    expect(ed.up(s)).toEqual({ ...s, cursor: 4 });
    expect(ed.down(s)).toEqual({ ...s, cursor: 19 });
    expect(ed.up(at('only', 2))).toBeUndefined();
    expect(ed.down(at('only', 2))).toBeUndefined();
    expect(ed.cursorPosition(s)).toEqual({ line: 1, column: 4 });
  });
});
