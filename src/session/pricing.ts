// What tokens cost and how big a model's context is, for /cost and auto-compaction. Prices are USD per
// million tokens from Anthropic's pricing page; cache writes are the 5-minute rate (tandem's breakpoints).
import { addUsage, emptyUsage, type Usage } from '../core/types.js';
import { modelInfo } from '../providers/catalog.js';

export interface ModelPrice {
  /** Family name shown in /cost. */
  name: string;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

const price = (name: string, input: number, output: number): ModelPrice =>
  ({ name, input, output, cacheWrite: input * 1.25, cacheRead: input * 0.1 });

/** Matched in order against a normalised id ("claude-sonnet-4-5-20250929" or Bedrock/Vertex forms). */
const PRICES: [RegExp, ModelPrice][] = [
  [/opus-4-[5-9](?!\d)/, price('Claude Opus 4.5+', 5, 25)],
  [/opus-4/, price('Claude Opus 4/4.1', 15, 75)],
  [/sonnet-4/, price('Claude Sonnet 4.x', 3, 15)],
  [/haiku-4/, price('Claude Haiku 4.x', 1, 5)],
  [/3-opus|opus-3/, price('Claude 3 Opus', 15, 75)],
  [/3-[57]-sonnet|sonnet-3-[57]|3-sonnet/, price('Claude 3.x Sonnet', 3, 15)],
  [/3-5-haiku|haiku-3-5/, price('Claude 3.5 Haiku', 0.8, 4)],
  [/3-haiku|haiku-3/, price('Claude 3 Haiku', 0.25, 1.25)],
];

export const DEFAULT_CONTEXT_WINDOW = 200_000;

/** Price of a model id, or undefined for models not in the table (they are shown in tokens only). */
export function priceOf(model: string): ModelPrice | undefined {
  const info = modelInfo(model);
  if (info?.price) {
    const { input, output, cacheRead, cacheWrite } = info.price;
    return { name: info.name ?? model, input, output, cacheRead: cacheRead ?? input, cacheWrite: cacheWrite ?? input };
  }
  const id = model.toLowerCase().replace(/\./g, '-');
  if (!id.includes('claude') && !/(opus|sonnet|haiku)/.test(id)) return undefined;
  return PRICES.find(([re]) => re.test(id))?.[1];
}

/**
 * Context window in tokens: from the models file or the table (providers/catalog.ts); every Claude model has
 * 200k by default (1M needs a beta header tandem does not send), and so does a model tandem does not know.
 */
export function contextWindowOf(model: string): number {
  return modelInfo(model)?.contextWindow ?? DEFAULT_CONTEXT_WINDOW;
}

/** USD for `usage` on `model`, or undefined when the model's price is unknown. */
export function costOf(model: string, usage: Usage): number | undefined {
  const p = priceOf(model);
  if (!p) return undefined;
  return (
    usage.input_tokens * p.input +
    usage.output_tokens * p.output +
    usage.cache_creation_input_tokens * p.cacheWrite +
    usage.cache_read_input_tokens * p.cacheRead
  ) / 1_000_000;
}

/** USD for usage across models (as TranscriptRecorder.usageByModel); `complete` is false when a price is unknown. */
export function pricedTotal(usageByModel: Record<string, Usage>): { usd: number; complete: boolean } {
  let usd = 0;
  let complete = true;
  for (const [model, usage] of Object.entries(usageByModel)) {
    const cost = costOf(model, usage);
    if (cost === undefined) complete = false;
    else usd += cost;
  }
  return { usd, complete };
}

/** USD for usage across models, or undefined when a model's price is unknown. */
export function costOfAll(usageByModel: Record<string, Usage>): number | undefined {
  const total = pricedTotal(usageByModel);
  return total.complete ? total.usd : undefined;
}

/** Tokens the next request will carry at least: the last prompt (fresh + cached) plus the reply to it. */
export function contextTokens(usage: Usage): number {
  return usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens + usage.output_tokens;
}

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/** "1,234" below 10k, "12.3k" and "1.20M" above. */
export function formatTokens(n: number): string {
  if (n < 10_000) return n.toLocaleString('en-US');
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

export interface CostReportInput {
  /** Session usage per model id (LoadedTranscript.usageByModel, or tracked live). */
  usageByModel: Record<string, Usage>;
  /** Usage of the last response, for how full the context is. */
  lastUsage?: Usage;
  contextWindow: number;
  /** The part subagents spent, by subagent ("a1 (explore)") and model; already counted in usageByModel. */
  usageByAgent?: Record<string, Record<string, Usage>>;
}

/** The /cost text: context used, then tokens and money per model and in total. */
export function formatCostReport(input: CostReportInput): string {
  const lines: string[] = [];
  if (input.lastUsage) {
    const used = contextTokens(input.lastUsage);
    const pct = Math.round((used / input.contextWindow) * 100);
    lines.push(`Context: ${formatTokens(used)} of ${formatTokens(input.contextWindow)} tokens (${pct}%)`);
  } else {
    lines.push(`Context: not measured yet (window ${formatTokens(input.contextWindow)} tokens)`);
  }
  for (const [model, u] of Object.entries(input.usageByModel)) {
    const cost = costOf(model, u);
    lines.push(
      `${model}: ${formatTokens(u.input_tokens)} in, ${formatTokens(u.output_tokens)} out, ` +
      `${formatTokens(u.cache_read_input_tokens)} cache read, ${formatTokens(u.cache_creation_input_tokens)} cache write` +
      ` = ${cost === undefined ? 'price unknown' : formatUsd(cost)}`,
    );
  }
  if (Object.keys(input.usageByModel).length === 0) lines.push('No model calls yet.');
  else {
    const total = pricedTotal(input.usageByModel);
    lines.push(`Total: ${formatUsd(total.usd)}${total.complete ? '' : ' (plus models with unknown prices, counted in tokens only)'}`);
  }
  const agents = Object.entries(input.usageByAgent ?? {});
  if (agents.length) {
    const merged: Record<string, Usage> = {};
    for (const [, byModel] of agents) for (const [m, u] of Object.entries(byModel)) merged[m] = addUsage(merged[m] ?? emptyUsage(), u);
    const spent = pricedTotal(merged);
    lines.push(`Subagents (included above): ${formatUsd(spent.usd)}${spent.complete ? '' : '+'}`);
    for (const [agent, byModel] of agents) {
      const all = Object.values(byModel).reduce((a, u) => addUsage(a, u), emptyUsage());
      const cost = pricedTotal(byModel);
      lines.push(`  ${agent} [${Object.keys(byModel).join(', ')}]: ${formatTokens(all.input_tokens)} in, ${formatTokens(all.output_tokens)} out`
        + ` = ${cost.complete ? formatUsd(cost.usd) : 'price unknown'}`);
    }
  }
  return lines.join('\n');
}
