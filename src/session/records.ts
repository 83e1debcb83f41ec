// The transcript's line format: one JSON record per line, appended as each item completes, never rewritten.
//
//   {"type":"session","v":1,"id":"…","cwd":"/real/path","model":"claude-…","version":"0.1.0","ts":"ISO"}   first line
//   {"type":"resume","model":"claude-…","version":"0.1.0","ts":"ISO"}       the session was reopened (--continue/--resume)
//   {"type":"message","role":"user"|"assistant","content":[ContentBlock…],"ts":"ISO"}
//        Blocks appended to the conversation. Consecutive records of one role extend the same message, so a
//        tool result, a notice and the next prompt may each be their own line yet form one user message.
//   {"type":"usage","usage":Usage,"model":"claude-…","ts":"ISO"}          one model response's token usage
//   {"type":"notice","level":"info"|"warning"|"error","text":"…","ts":"ISO"}   shown to the user, not the model
//   {"type":"task","event":"start","id":"t1","command":"npm test","ts":"ISO"}
//   {"type":"task","event":"end","id":"t1","status":"exited 0","ts":"ISO"}
//   {"type":"compaction","summary":"…","messages":[Message…],"focus"?:"…","usage"?:Usage,"model"?:"…","ts":"ISO"}
//        The conversation was replaced by `messages` (the summary message plus the kept recent turns); message
//        records after it extend that new context. `usage` is what the summarising request cost.
//
// Readers skip lines they cannot parse and record types they do not know, so the format can grow.
import type { ContentBlock, Message, ToolDetails, Usage } from '../core/types.js';

export const TRANSCRIPT_VERSION = 1;

export interface SessionRecord {
  type: 'session'; v: number; id: string; cwd: string; model: string; version: string; ts: string;
  /** The session's harness key (core/harness-mark.ts), kept so a resumed session's notices stay genuine. */
  harnessKey?: string;
}
export interface ResumeRecord { type: 'resume'; model: string; version: string; ts: string }
export interface MessageRecord {
  type: 'message'; role: Message['role']; content: ContentBlock[]; ts: string;
  /** A tool result's typed details (exit code, diff), for front ends replaying the session; not sent to models. */
  details?: ToolDetails;
}
/** `agent`: a subagent's usage (counted in the session's total, shown apart in /cost), e.g. "a1 (explore)". */
export interface UsageRecord { type: 'usage'; usage: Usage; model: string; agent?: string; ts: string }
export interface NoticeRecord { type: 'notice'; level: 'info' | 'warning' | 'error'; text: string; ts: string }
export interface TaskStartRecord { type: 'task'; event: 'start'; id: string; command: string; ts: string }
export interface TaskEndRecord { type: 'task'; event: 'end'; id: string; status: string; ts: string }
export interface CompactionRecord {
  type: 'compaction'; summary: string; messages: Message[]; focus?: string; usage?: Usage; model?: string; ts: string;
}

export type TranscriptRecord =
  | SessionRecord | ResumeRecord | MessageRecord | UsageRecord | NoticeRecord
  | TaskStartRecord | TaskEndRecord | CompactionRecord;

/** A record as given to the writer: the timestamp is added on write unless present. */
export type RecordInput = WithoutTs<TranscriptRecord>;
type WithoutTs<R> = R extends unknown ? Omit<R, 'ts'> & { ts?: string } : never;

/**
 * Parses one line. Returns the record, or a reason it is unusable; never throws. Unknown record types are
 * returned as `undefined` record with no reason, so newer transcripts still load in older versions.
 */
export function parseRecord(line: string): { record?: TranscriptRecord; reason?: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { reason: 'not valid JSON' };
  }
  if (!isObject(value) || typeof value.type !== 'string') return { reason: 'not a record (no "type")' };
  const problem = invalidReason(value);
  if (problem === 'unknown') return {};
  return problem ? { reason: problem } : { record: value as unknown as TranscriptRecord };
}

function invalidReason(r: Record<string, unknown>): string | undefined {
  switch (r.type) {
    case 'session':
      return typeof r.id === 'string' && typeof r.cwd === 'string' ? undefined : 'session record without id or cwd';
    case 'resume':
      return undefined;
    case 'message':
      if (r.role !== 'user' && r.role !== 'assistant') return 'message record with an unknown role';
      return isBlocks(r.content) ? undefined : 'message record whose content is not a list of blocks';
    case 'usage':
      return isObject(r.usage) ? undefined : 'usage record without usage';
    case 'notice':
      return typeof r.text === 'string' ? undefined : 'notice record without text';
    case 'task':
      if (typeof r.id !== 'string') return 'task record without id';
      return r.event === 'start' || r.event === 'end' ? undefined : 'task record with an unknown event';
    case 'compaction': {
      const ok = typeof r.summary === 'string' && Array.isArray(r.messages) && r.messages.every(isMessage);
      return ok ? undefined : 'compaction record without summary or messages';
    }
    default:
      return 'unknown';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isBlocks(v: unknown): v is ContentBlock[] {
  return Array.isArray(v) && v.every((b) => isObject(b) && typeof b.type === 'string');
}

function isMessage(v: unknown): v is Message {
  return isObject(v) && (v.role === 'user' || v.role === 'assistant') && isBlocks(v.content);
}
