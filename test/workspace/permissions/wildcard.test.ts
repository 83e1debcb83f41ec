// Rule words with stars match as globs, in time linear in the word (no backtracking regex).
import { describe, expect, it } from 'vitest';
import { parseCommandPattern } from '../../../src/workspace/permissions/rules.js';
import { wildcardMatcher } from '../../../src/workspace/permissions/wildcard.js';

const m = (pattern: string) => wildcardMatcher(pattern.split('*'));

describe('rule words with stars', () => {
  it('match as globs', () => {
    expect(m('git').test('git')).toBe(true);
    expect(m('git').test('gitx')).toBe(false);
    expect(m('git*').test('git-lfs')).toBe(true);
    expect(m('*.test.ts').test('a.test.ts')).toBe(true);
    expect(m('*.test.ts').test('a.test.tsx')).toBe(false);
    expect(m('a*b*c').test('abc')).toBe(true);
    expect(m('a*b*c').test('aXbYbZc')).toBe(true);
    expect(m('a*b*c').test('acb')).toBe(false);
    expect(m('ab*ba').test('aba')).toBe(false);
    expect(m('ab*ba').test('abba')).toBe(true);
    expect(m('*').test('')).toBe(true);
    expect(m('**x**').test('x')).toBe(true);
  });

  it('a many-star rule against a long word answers at once', () => {
    const pattern = parseCommandPattern(`${'*a'.repeat(20)}*b`);
    const word = 'a'.repeat(100_000);
    const token = pattern.tokens[0] as { star: false; re: { test(w: string): boolean } };
    expect(token.re.test(word)).toBe(false);
    expect(token.re.test(`${word}b`)).toBe(true);
  });
});
