// A word of a permission rule with `*` in it (`git*`, `*.test.ts`, `a*b*c`), matched without a regular
// expression: literal pieces found left to right, so a rule from a settings file with many stars costs time
// linear in the word (a backtracking `.*a.*a.*…` regex is polynomial of the stars' degree).

export interface WordMatcher {
  test(word: string): boolean;
}

/** `pieces` are the literal parts between the stars (n stars: n+1 pieces, possibly empty). */
export function wildcardMatcher(pieces: readonly string[]): WordMatcher {
  if (pieces.length === 1) return { test: (word) => word === pieces[0] };
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1).filter((p) => p !== '');
  return {
    test(word) {
      if (word.length < first.length + last.length || !word.startsWith(first) || !word.endsWith(last)) return false;
      let pos = first.length;
      const end = word.length - last.length;
      // Each piece at its leftmost place after the previous one: if any placement works, this one does.
      for (const piece of middle) {
        const at = word.indexOf(piece, pos);
        if (at < 0 || at + piece.length > end) return false;
        pos = at + piece.length;
      }
      return true;
    },
  };
}
