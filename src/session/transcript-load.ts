// Reads a transcript back: the conversation to resume (repaired, ready to send), usage totals, and the
// background tasks that were still running when it ended. Bad lines are skipped and reported, never fatal.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { HARNESS_PREFIX } from '../core/agent-loop.js';
import { addUsage, emptyUsage, type Message, type Usage } from '../core/types.js';
import { normalizeConversation } from './normalize.js';
import { parseRecord, type SessionRecord, type TranscriptRecord } from './records.js';

export interface SkippedLine {
  /** 1-based line number. */
  line: number;
  reason: string;
  /** The file's last line, cut off without its newline: the write in flight when the process died. */
  torn: boolean;
}

export interface RunningTask { id: string; command: string; startedAt: string }

/** What a transcript holds. Contract: `messages` is a valid conversation (normalizeConversation was applied). */
export interface LoadedTranscript {
  header?: SessionRecord;
  records: TranscriptRecord[];
  messages: Message[];
  skipped: SkippedLine[];
  /** tool_use blocks that had no result and were given an "interrupted" one. */
  repaired: number;
  usage: Usage;
  usageByModel: Record<string, Usage>;
  /** The part of it that subagents spent, by subagent ("a1 (explore)"). */
  usageByAgent: Record<string, Record<string, Usage>>;
  /** Usage of the last response since the last compaction: how full the context was. */
  lastUsage?: Usage;
  tasksRunningAtEnd: RunningTask[];
  compactions: number;
  /** Text of the first user prompt, for listings. */
  firstPrompt?: string;
}

export function loadTranscript(file: string): LoadedTranscript {
  return parseTranscript(readFileSync(file, 'utf8'));
}

export function parseTranscript(text: string): LoadedTranscript {
  const { records, skipped } = parseLines(text);
  const out: LoadedTranscript = {
    records, skipped, messages: [], repaired: 0, usage: emptyUsage(), usageByModel: {}, usageByAgent: {},
    tasksRunningAtEnd: [], compactions: 0,
  };
  const running = new Map<string, RunningTask>();
  let messages: Message[] = [];
  for (const r of records) {
    switch (r.type) {
      case 'session': out.header ??= r; break;
      case 'message': {
        const last = messages.at(-1);
        if (last?.role === r.role) last.content.push(...r.content);
        else messages.push({ role: r.role, content: [...r.content] });
        if (r.role === 'user') out.firstPrompt ??= promptText(r.content);
        break;
      }
      case 'usage': {
        const usage = addUsage(emptyUsage(), r.usage);
        out.usage = addUsage(out.usage, usage);
        out.usageByModel[r.model] = addUsage(out.usageByModel[r.model] ?? emptyUsage(), usage);
        // A subagent's request says nothing of how full this conversation's context is.
        if (r.agent) {
          const byModel = (out.usageByAgent[r.agent] ??= {});
          byModel[r.model] = addUsage(byModel[r.model] ?? emptyUsage(), usage);
        } else out.lastUsage = usage;
        break;
      }
      case 'compaction':
        messages = r.messages.map((m) => ({ role: m.role, content: [...m.content] }));
        if (r.usage) {
          out.usage = addUsage(out.usage, r.usage);
          const model = r.model ?? 'unknown';
          out.usageByModel[model] = addUsage(out.usageByModel[model] ?? emptyUsage(), r.usage);
        }
        out.lastUsage = undefined;
        out.compactions++;
        break;
      case 'task':
        if (r.event === 'start') running.set(r.id, { id: r.id, command: r.command, startedAt: r.ts });
        else running.delete(r.id);
        break;
      default: break;
    }
  }
  out.repaired = normalizeConversation(messages).repaired;
  out.messages = messages;
  out.tasksRunningAtEnd = [...running.values()];
  return out;
}

/** Header and first prompt from the start of a file, without reading all of it; for session listings. */
export function readTranscriptHead(file: string, maxBytes = 64 * 1024): { header?: SessionRecord; firstPrompt?: string } {
  const fd = openSync(file, 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(maxBytes);
    const n = readSync(fd, buf, 0, maxBytes, 0);
    text = buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
  const out: { header?: SessionRecord; firstPrompt?: string } = {};
  for (const line of text.split('\n')) {
    const { record } = parseRecord(line);
    if (record?.type === 'session') out.header ??= record;
    if (record?.type === 'message' && record.role === 'user') out.firstPrompt ??= promptText(record.content);
    if (out.firstPrompt !== undefined) break;
  }
  return out;
}

function parseLines(text: string): { records: TranscriptRecord[]; skipped: SkippedLine[] } {
  const lines = text.split('\n');
  const records: TranscriptRecord[] = [];
  const skipped: SkippedLine[] = [];
  // A file ending in "\n" splits into a last empty string; anything else there is a cut-off write.
  const lastIndex = lines.length - 1;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const { record, reason } = parseRecord(line);
    if (record) records.push(record);
    else if (reason) skipped.push({ line: i + 1, reason, torn: i === lastIndex });
  });
  return { records, skipped };
}

function promptText(content: Message['content']): string | undefined {
  for (const b of content) {
    if (b.type === 'text' && b.text.trim() && !b.text.startsWith(HARNESS_PREFIX.slice(0, -1))) return b.text.trim();
  }
  return undefined;
}
