import { describe, expect, it } from 'vitest';
import { contextTokens, contextWindowOf, costOf, costOfAll, formatCostReport, formatTokens, formatUsd, priceOf } from '../../src/session/pricing.js';
import { usage } from '../support/conversation.js';

const MTOK = 1_000_000;

describe('pricing', () => {
  it.each([
    ['claude-opus-4-5-20251101', 5, 25],
    ['claude-opus-4-6', 5, 25],
    ['claude-opus-4-1-20250805', 15, 75],
    ['claude-opus-4-20250514', 15, 75],
    ['claude-sonnet-4-5', 3, 15],
    ['claude-sonnet-4-20250514', 3, 15],
    ['anthropic.claude-sonnet-4-5-20250929-v1:0', 3, 15],
    ['claude-sonnet-4.5', 3, 15],
    ['claude-haiku-4-5@20251001', 1, 5],
    ['claude-3-7-sonnet-latest', 3, 15],
    ['claude-3-5-sonnet-20241022', 3, 15],
    ['claude-3-5-haiku-20241022', 0.8, 4],
    ['claude-3-haiku-20240307', 0.25, 1.25],
    ['claude-3-opus-20240229', 15, 75],
  ])('knows %s', (model, input, output) => {
    expect(priceOf(model)).toMatchObject({ input, output, cacheWrite: input * 1.25, cacheRead: input * 0.1 });
  });

  it('prices each kind of token at its rate', () => {
    // Sonnet: $3 in, $15 out, $3.75 cache write, $0.30 cache read per MTok.
    const u = usage({ input_tokens: MTOK, output_tokens: MTOK / 10, cache_creation_input_tokens: MTOK / 2, cache_read_input_tokens: 2 * MTOK });
    expect(costOf('claude-sonnet-4-5', u)).toBeCloseTo(3 + 1.5 + 1.875 + 0.6, 10);
    expect(costOf('claude-opus-4-5', usage({ input_tokens: 12_345, output_tokens: 678 }))).toBeCloseTo((12_345 * 5 + 678 * 25) / MTOK, 12);
    expect(costOf('claude-haiku-4-5', usage({}))).toBe(0);
  });

  it('prices known models of other providers from the table, with or without the provider prefix', () => {
    expect(priceOf('openai/gpt-5.1')).toMatchObject({ input: 1.25, output: 10, cacheRead: 0.125 });
    expect(priceOf('gpt-4o')).toMatchObject({ input: 2.5, output: 10 });
    expect(contextWindowOf('openai/gpt-5.1')).toBe(400_000);
    expect(contextWindowOf('ollama/qwen3-coder')).toBe(262_144);
  });

  it('has no price for unknown models, which are shown in tokens only', () => {
    expect(priceOf('mystery-model-7b')).toBeUndefined();
    expect(priceOf('ollama/qwen3-coder')).toBeUndefined();
    expect(priceOf('claude-test')).toBeUndefined();
    expect(costOf('my-local-model', usage({ input_tokens: 100 }))).toBeUndefined();
  });

  it('adds up the cost across models, or gives none when a model has no price', () => {
    const sonnet = usage({ input_tokens: MTOK });
    const haiku = usage({ output_tokens: MTOK });
    expect(costOfAll({ 'claude-sonnet-4-6': sonnet, 'claude-haiku-4-5': haiku })).toBeCloseTo(3 + 5, 10);
    expect(costOfAll({})).toBe(0);
    expect(costOfAll({ 'claude-sonnet-4-6': sonnet, 'my-local-model': haiku })).toBeUndefined();
  });

  it('formats tokens and dollars', () => {
    expect(formatTokens(1234)).toBe('1,234');
    expect(formatTokens(45_600)).toBe('45.6k');
    expect(formatTokens(1_200_000)).toBe('1.20M');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.0042)).toBe('$0.0042');
    expect(formatUsd(12.345)).toBe('$12.35');
  });

  it('reports context use and spend per model, with unknown models in tokens only', () => {
    const last = usage({ input_tokens: 2_000, cache_read_input_tokens: 120_000, output_tokens: 1_000 });
    expect(contextTokens(last)).toBe(123_000);
    const text = formatCostReport({
      usageByModel: {
        'claude-sonnet-4-5': usage({ input_tokens: 1_000_000, output_tokens: 100_000 }),
        'local-llm': usage({ input_tokens: 5_000 }),
      },
      lastUsage: last,
      contextWindow: 200_000,
    });
    expect(text.split('\n')).toEqual([
      'Context: 123.0k of 200.0k tokens (62%)',
      'claude-sonnet-4-5: 1.00M in, 100.0k out, 0 cache read, 0 cache write = $4.50',
      'local-llm: 5,000 in, 0 out, 0 cache read, 0 cache write = price unknown',
      'Total: $4.50 (plus models with unknown prices, counted in tokens only)',
    ]);
    expect(formatCostReport({ usageByModel: {}, contextWindow: 200_000 })).toMatch(/not measured yet[\s\S]*No model calls yet/);
  });
});
