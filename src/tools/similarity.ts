// Cheap string similarity for "did you mean" hints: edit distance for names, bigram overlap for lines.

/** Edit distance counting insertions, deletions, substitutions and swaps of neighbours as one edit each. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, before[j - 2]! + 1);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * Up to `limit` of `candidates` that look like a misspelling of `name`: a small edit distance, a different
 * case, a different extension, or one name containing the other. Closest first.
 */
export function closestNames(name: string, candidates: string[], limit = 3): string[] {
  const lower = name.toLowerCase();
  const stem = stripExtension(lower);
  const scored: Array<{ c: string; score: number }> = [];
  for (const c of candidates) {
    const cl = c.toLowerCase();
    if (c === name) continue;
    let score = editDistance(lower, cl);
    const close = score <= Math.max(1, Math.floor(Math.max(name.length, c.length) / 4));
    const sameStem = stem.length >= 2 && stripExtension(cl) === stem;
    const contains = Math.min(lower.length, cl.length) >= 3 && (cl.includes(lower) || lower.includes(cl));
    if (!close && !sameStem && !contains) continue;
    if (sameStem) score = Math.min(score, 1);
    scored.push({ c, score });
  }
  scored.sort((x, y) => x.score - y.score || x.c.localeCompare(y.c));
  return scored.slice(0, limit).map((s) => s.c);
}

function stripExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** A string's character bigrams, each coded as a number, sorted: the form `dice` compares quickly. */
export type Bigrams = Uint32Array;

export function bigrams(text: string): Bigrams {
  const codes = new Uint32Array(Math.max(text.length - 1, 0));
  for (let i = 0; i < codes.length; i++) codes[i] = text.charCodeAt(i) * 65536 + text.charCodeAt(i + 1);
  return codes.sort();
}

/** How many bigrams two sorted bigram lists share, counting repeats. */
export function sharedBigrams(a: Bigrams, b: Bigrams): number {
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return shared;
}

/** Sørensen–Dice similarity, 0 (nothing shared) to 1 (same). Two empty strings are the same. */
export function dice(a: Bigrams, b: Bigrams, aText: string, bText: string): number {
  if (aText === bText) return 1;
  const total = a.length + b.length;
  return total === 0 ? 0 : (2 * sharedBigrams(a, b)) / total;
}
