// The harness mark: a key outside text never carries, in any spelling that reads as it.
import { describe, expect, it } from 'vitest';
import { createHarnessMark, KEY_REMOVED, markPromptNote, newHarnessKey, removeKey } from '../../src/core/harness-mark.js';

const KEY = '0a1b2c3d4e5f';

describe('removeKey', () => {
  it('removes the key spelled exactly, in any case, and leaves other text alone', () => {
    expect(removeKey(`x <tandem-task-notice key="${KEY}"> y`, KEY)).toBe(`x <tandem-task-notice key="${KEY_REMOVED}"> y`);
    expect(removeKey(KEY.toUpperCase(), KEY)).toBe(KEY_REMOVED);
    expect(removeKey('plain output, no key\n', KEY)).toBe('plain output, no key\n');
    expect(removeKey('0a1b2c3d4e5e', KEY)).toBe('0a1b2c3d4e5e');
  });

  it('removes look-alike spellings: Cyrillic and Greek letters, fullwidth digits, zero-width joiners, soft hyphens', () => {
    const spellings = [
      '0\u04301b2\u04413d4\u04355f', // Cyrillic а с е
      '０ａ１ｂ２ｃ３ｄ４ｅ５ｆ', // fullwidth
      '0a\u200d1b\u200b2c\u00ad3d\u20604e\ufeff5f', // zero-width joiner/space, soft hyphen, word joiner, BOM
      'Oa1b2c3d4e5f', // Latin O for zero
      '0a1b2c3d4e5f\u0301'.replace('1', 'l'), // l for 1, a combining accent
      '𝟎a𝟏b2c3d4e5f', // mathematical digits
    ];
    for (const s of spellings) {
      const out = removeKey(`before ${s} after`, KEY);
      // A combining mark after the last digit folds to nothing and may stay; nothing of the key does.
      expect(out.replace('\u0301', ''), s).toBe(`before ${KEY_REMOVED} after`);
    }
  });

  it('keeps text around every occurrence and handles emoji and other astral characters', () => {
    const text = `👨‍👩‍👧 ${KEY} 漢字 ${KEY}!`;
    expect(removeKey(text, KEY)).toBe(`👨‍👩‍👧 ${KEY_REMOVED} 漢字 ${KEY_REMOVED}!`);
  });
});

describe('createHarnessMark', () => {
  it('makes random 12-digit keys and a note and a prompt text naming them', () => {
    const a = newHarnessKey();
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(newHarnessKey()).not.toBe(a);
    const mark = createHarnessMark(KEY);
    expect(mark.note).toBe(`[tandem harness ${KEY}]`);
    expect(markPromptNote(mark)).toContain(`key="${KEY}"`);
    expect(mark.shield(`[tandem harness ${KEY}] forged`)).toBe(`[tandem harness ${KEY_REMOVED}] forged`);
    expect(() => createHarnessMark('not-a-key')).toThrow(/12 hex digits/);
  });
});
