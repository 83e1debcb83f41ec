// The conversation as the screen shows it: finished items, printed once into the terminal's history, and the
// live part (text still streaming, tools still running). Agent events go in; nothing here draws.
import type { AgentEvent } from '../../core/events.js';
import { formatDuration } from '../tool-lines.js';
import { readForDiff } from './diff-view.js';
import { renderMarkdown, splitFinishedBlocks } from './markdown.js';
import { editTarget, toolOutcome, type ToolOutcome } from './tool-outcome.js';

export type Item = { id: number } & (
  | { kind: 'banner'; title: string; detail: string }
  | { kind: 'user'; text: string }
  /** A finished Markdown block of the assistant's reply, already rendered for the terminal. */
  | { kind: 'assistant'; text: string }
  /** `durationMs` is undefined for a call replayed from a resumed session (its time was not recorded). */
  | { kind: 'tool'; name: string; summary: string; durationMs?: number; outcome: ToolOutcome }
  | { kind: 'notice'; text: string; ok: boolean }
  | { kind: 'info'; text: string }
  | { kind: 'error'; text: string }
  /** A slash command's reply. */
  | { kind: 'output'; text: string }
);

/** Item without its id, as callers add them. */
export type NewItem = Item extends infer I ? (I extends Item ? Omit<I, 'id'> : never) : never;

export interface RunningTool {
  id: string;
  name: string;
  summary: string;
  startedAt: number;
  /** The latest lines of live output (bounded). */
  progress: string[];
  before?: { file: string; text: string | undefined };
}

export interface LiveView {
  /** The unfinished Markdown block being streamed (raw text). */
  text: string;
  thinking: boolean;
  tools: RunningTool[];
}

const PROGRESS_LINES = 4;
/** Streamed text kept for the live view; older unfinished text is still sent, just not redrawn. */
const LIVE_TEXT_CHARS = 64 * 1024;

export interface TranscriptOptions {
  /** The workspace root, to find the files edit tools change. */
  root: string;
  /** Columns to render Markdown for. */
  width: () => number;
  now?: () => number;
}

export class Transcript {
  #items: Item[] = [];
  #nextId = 1;
  #pending = '';
  #thinking = false;
  #running = new Map<string, RunningTool>();
  /** Assistant blocks printed since the current model request started (a retry makes them stale). */
  #printedThisRequest = 0;
  #opts: TranscriptOptions;
  #changed = true;
  #snapshot: readonly Item[] = [];

  constructor(opts: TranscriptOptions) {
    this.#opts = opts;
  }

  add(item: NewItem): void {
    this.#items.push({ ...item, id: this.#nextId++ } as Item);
    this.#changed = true;
  }

  /** Finished items; a new array only when something was added. */
  items(): readonly Item[] {
    if (this.#changed) {
      this.#changed = false;
      this.#snapshot = this.#items.slice();
    }
    return this.#snapshot;
  }

  live(): LiveView {
    const text = this.#pending.length > LIVE_TEXT_CHARS ? this.#pending.slice(-LIVE_TEXT_CHARS) : this.#pending;
    return { text, thinking: this.#thinking && !this.#pending, tools: [...this.#running.values()] };
  }

  /** Prints the streamed text's finished blocks; with `all`, the unfinished rest too. */
  flushText(all = false): void {
    const { done, rest } = all ? { done: this.#pending, rest: '' } : splitFinishedBlocks(this.#pending);
    if (!done.trim()) {
      if (all) this.#pending = '';
      return;
    }
    this.#pending = rest;
    this.add({ kind: 'assistant', text: renderMarkdown(done, this.#opts.width()) });
    this.#printedThisRequest++;
  }

  apply(event: AgentEvent): void {
    switch (event.type) {
      case 'turn_start':
        this.#printedThisRequest = 0;
        this.#thinking = true;
        break;
      case 'text_delta':
        this.#pending += event.text;
        this.#thinking = false;
        break;
      case 'thinking_delta':
        this.#thinking = true;
        break;
      case 'retry': {
        const discarded = this.#pending || this.#printedThisRequest ? ' (the partial reply above is discarded)' : '';
        this.#pending = '';
        this.#printedThisRequest = 0;
        this.add({ kind: 'info', text: `${event.reason}; retrying in ${formatDuration(event.delayMs)}${discarded}` });
        break;
      }
      case 'assistant_message':
        this.flushText(true);
        break;
      case 'tool_start': {
        this.flushText(true);
        const file = editTarget(event.name, event.input, this.#opts.root);
        this.#running.set(event.id, {
          id: event.id, name: event.name, summary: event.summary, startedAt: this.#now(), progress: [],
          ...(file ? { before: { file, text: readForDiff(file) } } : {}),
        });
        break;
      }
      case 'tool_progress': {
        const tool = this.#running.get(event.id);
        if (tool) tool.progress = [...tool.progress, ...event.text.split('\n')].slice(-PROGRESS_LINES);
        break;
      }
      case 'tool_end': {
        const tool = this.#running.get(event.id);
        this.#running.delete(event.id);
        this.add({
          kind: 'tool', name: event.name, summary: tool?.summary ?? '', durationMs: event.durationMs,
          outcome: toolOutcome(event.name, event.result, tool?.before),
        });
        break;
      }
      case 'turn_end':
        this.#thinking = false;
        if (event.stopReason === 'aborted' || event.stopReason === 'error') this.flushText(true);
        break;
      case 'info':
        this.add({ kind: 'info', text: event.message });
        break;
      case 'error':
        this.flushText(true);
        this.add({ kind: 'error', text: event.message });
        break;
      default:
        break;
    }
  }

  /** After an interrupt: whatever was streaming is printed and nothing is left running. */
  settle(): void {
    this.flushText(true);
    this.#thinking = false;
    for (const tool of this.#running.values()) {
      this.add({
        kind: 'tool', name: tool.name, summary: tool.summary, durationMs: this.#now() - tool.startedAt,
        outcome: { ok: false, status: 'interrupted', lines: [], more: 0 },
      });
    }
    this.#running.clear();
  }

  #now(): number {
    return (this.#opts.now ?? Date.now)();
  }
}
