import { describe, expect, it } from 'vitest';
import { key, KeyDecoder, type KeyEvent } from '../../src/cli/ui/keys.js';

const decode = (...chunks: string[]): KeyEvent[] => {
  const d = new KeyDecoder();
  return chunks.flatMap((c) => d.feed(c));
};
const k = (name: string, mods = {}) => ({ type: 'key', key: key(name, mods) });

describe('KeyDecoder', () => {
  it('splits typed text from control keys', () => {
    expect(decode('hello\r')).toEqual([{ type: 'text', text: 'hello' }, k('return')]);
    expect(decode('\x01', '\x05', '\x17', '\x7f', '\t')).toEqual([
      k('a', { ctrl: true }), k('e', { ctrl: true }), k('w', { ctrl: true }), k('backspace'), k('tab'),
    ]);
  });

  it('reads arrows, Home/End and Delete in their xterm and SS3 forms, with modifiers', () => {
    expect(decode('\x1b[A', '\x1bOB', '\x1b[H', '\x1b[4~', '\x1b[3~')).toEqual([
      k('up'), k('down'), k('home'), k('end'), k('delete'),
    ]);
    expect(decode('\x1b[1;5D', '\x1b[1;3C')).toEqual([k('left', { ctrl: true }), k('right', { meta: true })]);
  });

  it('reads Alt+letter, Alt+Enter and a lone Escape', () => {
    expect(decode('\x1bb', '\x1bf', '\x1b\r', '\x1b')).toEqual([
      k('b', { meta: true }), k('f', { meta: true }), k('return', { meta: true }), k('escape'),
    ]);
  });

  it('tells Shift+Enter apart when the terminal does (kitty CSI-u, modifyOtherKeys, LF)', () => {
    expect(decode('\x1b[13;2u')).toEqual([k('return', { shift: true })]);
    expect(decode('\x1b[27;2;13~')).toEqual([k('return', { shift: true })]);
    expect(decode('\n')).toEqual([k('return', { shift: true })]);
  });

  it('reads kitty-encoded Ctrl+C and plain letters, and ignores key releases', () => {
    expect(decode('\x1b[99;5u')).toEqual([k('c', { ctrl: true })]);
    expect(decode('\x1b[97u')).toEqual([{ type: 'text', text: 'a' }]);
    expect(decode('\x1b[27u')).toEqual([k('escape')]);
    expect(decode('\x1b[97;1:3u')).toEqual([]);
  });

  it('collects a bracketed paste across chunks, escapes and all', () => {
    expect(decode('\x1b[200~', 'line one\r', 'line two', '\x1b[A', '\x1b[201~')).toEqual([
      { type: 'paste', text: 'line one\nline two\x1b[A' },
    ]);
    expect(decode('\x1b[200~abc\x1b[201~')).toEqual([{ type: 'paste', text: 'abc' }]);
  });

  it('treats several lines arriving at once as a paste (terminals without bracketed paste)', () => {
    expect(decode('a\r\nb\rc\r')).toEqual([{ type: 'paste', text: 'a\nb\nc\n' }]);
  });

  it('ignores focus reports', () => {
    expect(decode('\x1b[I', '\x1b[O')).toEqual([]);
  });
});
