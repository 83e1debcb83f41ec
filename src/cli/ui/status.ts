// The status line's content: model, context used, tokens and cost so far, permission mode, and the
// background tasks (how many run, the newest with their runtime, and one that just ended, flashing).
import { oneLine } from '../../core/text.js';
import { addUsage, emptyUsage, type Usage } from '../../core/types.js';
import { contextTokens, formatTokens, formatUsd, pricedTotal } from '../../session/pricing.js';
import { describeStatus, formatDuration } from '../../tasks/notices.js';
import type { TaskSnapshot } from '../../tasks/types.js';

export interface StatusInput {
  model: string;
  mode: string;
  lastUsage?: Usage;
  contextWindow: number;
  usageByModel: Record<string, Usage>;
  tasks: TaskSnapshot[];
  /** A task that ended a moment ago, shown for FLASH_MS. */
  flash?: { task: TaskSnapshot; at: number };
  now: number;
}

export interface StatusView {
  model: string;
  /** "ctx 12%" or "ctx —" before the first reply. */
  context: string;
  contextPct?: number;
  tokens: string;
  cost: string;
  mode: string;
  running: number;
  /** The newest running tasks: "b3 npm run dev 1m03s". */
  newest: { id: string; label: string; runtime: string }[];
  /** A task that just ended: shown, blinking, until `at + FLASH_MS`. */
  flash?: { id: string; text: string; ok: boolean; at: number };
}

export const FLASH_MS = 6000;
const NEWEST = 2;

export function statusView(input: StatusInput): StatusView {
  const total = Object.values(input.usageByModel).reduce((a, u) => addUsage(a, u), emptyUsage());
  const tokens = total.input_tokens + total.output_tokens + total.cache_read_input_tokens + total.cache_creation_input_tokens;
  const spent = pricedTotal(input.usageByModel);
  const pct = input.lastUsage ? Math.round((contextTokens(input.lastUsage) / input.contextWindow) * 100) : undefined;
  const running = input.tasks.filter((t) => t.status === 'running' && !t.foreground);
  const newest = running.slice(-NEWEST).reverse().map((t) => ({
    id: t.id, label: `${t.persistent ? '⟳ ' : ''}${oneLine(t.description ?? t.command, 28)}`, runtime: formatDuration(t.runtimeMs),
  }));
  const age = input.flash ? input.now - input.flash.at : Infinity;
  const flash = input.flash && age < FLASH_MS
    ? {
      id: input.flash.task.id,
      text: `${input.flash.task.id} ${describeStatus(input.flash.task)}`,
      ok: input.flash.task.status === 'exited' && input.flash.task.exitCode === 0,
      at: input.flash.at,
    }
    : undefined;
  return {
    model: input.model,
    context: pct === undefined ? 'ctx —' : `ctx ${pct}%`,
    contextPct: pct,
    tokens: `${formatTokens(tokens)} tok`,
    cost: spent.complete ? formatUsd(spent.usd) : `${formatUsd(spent.usd)}+`,
    mode: input.mode,
    running: running.length,
    newest,
    flash,
  };
}
