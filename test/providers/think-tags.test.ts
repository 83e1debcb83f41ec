import { describe, expect, it } from 'vitest';
import { ThinkTagSplitter, type Piece } from '../../src/providers/think-tags.js';

function split(deltas: string[]): { thinking: string; text: string } {
  const s = new ThinkTagSplitter();
  const pieces: Piece[] = [...deltas.flatMap((d) => s.push(d)), ...s.flush()];
  return {
    thinking: pieces.filter((p) => p.kind === 'thinking').map((p) => p.text).join(''),
    text: pieces.filter((p) => p.kind === 'text').map((p) => p.text).join(''),
  };
}

describe('<think> tags in the answer', () => {
  it('splits a leading <think> block off as thinking, whatever the chunking', () => {
    const whole = '<think>\nThe user wants ls.\n</think>\n\nRun `ls`.';
    for (const size of [1, 2, 3, 7, 100]) {
      const deltas = whole.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      expect(split(deltas)).toEqual({ thinking: '\nThe user wants ls.\n', text: 'Run `ls`.' });
    }
  });

  it('leaves an answer alone that does not start with <think>, even one that mentions the tag', () => {
    expect(split(['<', 'b>bold</b> and <think>'])).toEqual({ thinking: '', text: '<b>bold</b> and <think>' });
    expect(split(['Use ', '<think>', ' tags'])).toEqual({ thinking: '', text: 'Use <think> tags' });
  });

  it('keeps an unclosed block as thinking at the end', () => {
    expect(split(['<think>cut off mid-thou', 'ght'])).toEqual({ thinking: 'cut off mid-thought', text: '' });
  });
});
