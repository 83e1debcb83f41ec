// The texts of compaction: the request that asks for a summary (with the conversation rendered as plain
// text, bounded) and the harness-made message that carries the summary into the new context.
import { HARNESS_PREFIX } from '../core/agent-loop.js';
import { headTail, toolResultText } from '../core/text.js';
import type { ContentBlock, Message } from '../core/types.js';

export const SUMMARY_SYSTEM =
  'You write handover summaries of coding-agent sessions. Another instance of the agent will continue the ' +
  'work from your summary alone, so keep every fact it needs and nothing else. Reply with the summary only.';

const SECTIONS = [
  '1. Goal: what the user asked for, in their words where it matters, and any constraints or preferences they stated.',
  '2. Progress: what has been done and verified, and the decisions taken (with the reasons).',
  '3. Files: every file read, created or changed, with what changed or why it matters.',
  '4. Commands and background tasks: what was run and its outcome; tasks still running (with ids) and what they are for.',
  '5. Errors and dead ends: what failed and what was learned from it.',
  '6. Current state and next steps: what was being done right before this summary, and open questions for the user.',
];

export function summaryInstructions(focus?: string): string {
  return [
    'Summarise the coding session transcript below for the agent that will continue it. Use these sections:',
    ...SECTIONS,
    'Quote exact file paths, identifiers, commands and error messages. If the transcript starts with an earlier ' +
      'summary, fold it in: nothing it says may be lost unless later work made it obsolete.',
    ...(focus ? [`The user asked the summary to focus on: ${focus}`] : []),
  ].join('\n');
}

/** The user-message text that replaces the summarised messages. */
export function summaryText(summary: string): string {
  return `${HARNESS_PREFIX} The conversation before this point was replaced by this summary (made by tandem ` +
    'when the context filled up, or on /compact). The transcript on disk still has every message.\n\n' +
    `<summary>\n${summary.trim()}\n</summary>\n\nThe most recent messages follow unchanged. Continue from here.`;
}

export interface RenderLimits {
  /** Whole rendering; beyond it the oldest entries (after the first) are left out. */
  maxChars: number;
  maxTextChars: number;
  maxToolInputChars: number;
  maxToolResultChars: number;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  maxChars: 400_000,
  maxTextChars: 12_000,
  maxToolInputChars: 2_000,
  maxToolResultChars: 3_000,
};

/**
 * The conversation as plain text for the summariser: no tool definitions needed, thinking left out, long
 * blocks bounded. When it is still too long, the first entry (which holds any earlier summary) and the
 * newest entries that fit are kept.
 */
export function renderForSummary(messages: Message[], limits: RenderLimits = DEFAULT_RENDER_LIMITS): string {
  const names = new Map<string, string>();
  const entries: string[] = [];
  for (const m of messages) {
    for (const b of m.content) {
      const entry = renderBlock(m.role, b, names, limits);
      if (entry) entries.push(entry);
    }
  }
  const total = entries.reduce((n, e) => n + e.length + 2, 0);
  if (total <= limits.maxChars || entries.length < 2) return entries.join('\n\n');
  const kept: string[] = [];
  let room = limits.maxChars - entries[0]!.length;
  for (let i = entries.length - 1; i > 0 && room - entries[i]!.length - 2 >= 0; i--) {
    kept.unshift(entries[i]!);
    room -= entries[i]!.length + 2;
  }
  const omitted = entries.length - 1 - kept.length;
  return [entries[0]!, `[... ${omitted} entries omitted to fit ...]`, ...kept].join('\n\n');
}

function renderBlock(role: Message['role'], b: ContentBlock, names: Map<string, string>, limits: RenderLimits): string | undefined {
  switch (b.type) {
    case 'text':
      return b.text.trim() ? `[${role}]\n${headTail(b.text, limits.maxTextChars).text}` : undefined;
    case 'tool_use': {
      names.set(b.id, b.name);
      return `[assistant called ${b.name}]\n${headTail(JSON.stringify(b.input) ?? '', limits.maxToolInputChars).text}`;
    }
    case 'tool_result': {
      const name = names.get(b.tool_use_id) ?? 'tool';
      return `[${name} result${b.is_error ? ' (error)' : ''}]\n${headTail(toolResultText(b.content), limits.maxToolResultChars).text}`;
    }
    default:
      return undefined;
  }
}
