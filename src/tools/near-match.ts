// When edit_file's old_text is not in the file: find the region most like it (line by line, whitespace
// normalized, bigram similarity) and explain the likely mistake, so the model can correct itself.
import { bigrams, dice, sharedBigrams, type Bigrams } from './similarity.js';

/** The most similar run of lines; line numbers are 1-based. */
export interface NearMatch { startLine: number; endLine: number; score: number; lines: string[] }

/** Lines of old_text compared per window: a few anchors to rank every window, more to rank the best ones. */
const ANCHORS = 5;
const FINALISTS = 12;
const MAX_SCORED_LINES = 200;
const MIN_SCORE = 0.5;

interface Line { text: string; grams: Bigrams }

/** The region of `fileText` most like `needle`, or undefined when nothing is at least half similar. */
export function findNearMatch(fileText: string, needle: string): NearMatch | undefined {
  const fileLines = splitLines(fileText);
  const needleLines = splitLines(needle);
  while (needleLines.length > 1 && needleLines[needleLines.length - 1] === '') needleLines.pop();
  const m = Math.min(needleLines.length, fileLines.length);
  if (!m) return undefined;
  const file = fileLines.map(prepare);
  const wanted = needleLines.slice(0, m).map(prepare);
  const score = (start: number, lines: number[]): number => {
    let sum = 0;
    for (const j of lines) sum += lineSimilarity(file[start + j]!, wanted[j]!);
    return sum / lines.length;
  };
  // Rank every window on a few anchor lines, then rescore the best few on many lines.
  const anchors = sampleIndexes(m, ANCHORS);
  const finalists: Array<{ start: number; score: number }> = [];
  for (let start = 0; start + m <= file.length; start++) {
    const s = score(start, anchors);
    if (finalists.length === FINALISTS && s <= finalists[FINALISTS - 1]!.score) continue;
    finalists.push({ start, score: s });
    finalists.sort((a, b) => b.score - a.score);
    if (finalists.length > FINALISTS) finalists.pop();
  }
  const all = sampleIndexes(m, MAX_SCORED_LINES);
  let best = { start: -1, score: -1 };
  for (const { start } of finalists) {
    const s = score(start, all);
    if (s > best.score) best = { start, score: s };
  }
  if (best.score < MIN_SCORE) return undefined;
  return {
    startLine: best.start + 1,
    endLine: best.start + m,
    score: best.score,
    lines: fileLines.slice(best.start, best.start + m),
  };
}

/** `needle` without read_file's "    12<tab>" prefixes, when every line has one; otherwise undefined. */
export function stripLineNumbers(needle: string): string | undefined {
  const lines = needle.split('\n');
  const body = lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
  if (!body.length || !body.every((l) => /^ *\d+\t/.test(l))) return undefined;
  return lines.map((l) => l.replace(/^ *\d+\t/, '')).join('\n');
}

/** True when `needle` and the region differ only in whitespace. */
export function sameIgnoringWhitespace(needle: string, match: NearMatch): boolean {
  const squash = (s: string): string => s.replace(/\s+/g, '');
  return squash(needle) === squash(match.lines.join('\n'));
}

function splitLines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function prepare(line: string): Line {
  const text = line.trim().replace(/\s+/g, ' ');
  return { text, grams: bigrams(text) };
}

/** Dice similarity, raised when a long enough wanted line is mostly contained in the file line (a fragment). */
function lineSimilarity(file: Line, wanted: Line): number {
  const d = dice(file.grams, wanted.grams, file.text, wanted.text);
  if (wanted.text.length < 8) return d;
  return Math.max(d, 0.9 * (sharedBigrams(file.grams, wanted.grams) / wanted.grams.length));
}

function sampleIndexes(m: number, max: number): number[] {
  if (m <= max) return Array.from({ length: m }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.floor((k * (m - 1)) / Math.max(1, max - 1)));
}
