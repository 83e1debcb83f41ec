// Starting or resuming a session: the conversation to continue, a writer appending to its transcript, and a
// recorder keeping the two in step. Front ends (REPL, print mode) call this once at start-up.
import { HARNESS_PREFIX } from '../core/agent-loop.js';
import { newHarnessKey } from '../core/harness-mark.js';
import { appendUserContent } from '../core/messages.js';
import type { Message, TextBlock } from '../core/types.js';
import { TranscriptRecorder } from './recorder.js';
import {
  latestSession, newSessionId, resolveSession, sessionPath, sessionsDir, SessionLookupError,
} from './session-store.js';
import { loadTranscript, type LoadedTranscript, type RunningTask } from './transcript-load.js';
import { TranscriptWriter, type TranscriptWriterOptions } from './transcript-writer.js';

export interface OpenSessionOptions {
  /** TANDEM_HOME. */
  home: string;
  /** Real path of the workspace (Workspace.root). */
  workspaceRoot: string;
  model: string;
  version: string;
  /** Absent: a new session. `latest`: --continue. `id`: --resume ID (a unique prefix will do). */
  resume?: { latest: true } | { id: string };
  /** The id of a new session (a UUID the caller chose, as Claude Code's --session-id). */
  sessionId?: string;
  /** With resume: continue the conversation in a new session, leaving the old transcript as it was. */
  fork?: boolean;
  writer?: TranscriptWriterOptions;
}

export interface OpenedSession {
  id: string;
  path: string;
  writer: TranscriptWriter;
  recorder: TranscriptRecorder;
  /** The conversation to run the loop on (repaired, with notes about killed tasks appended). */
  messages: Message[];
  /** The transcript as loaded, when resuming. */
  loaded?: LoadedTranscript;
  /** What to tell the user about the resume: skipped lines, interrupted calls, killed tasks. */
  report: string[];
  /** The session's harness key: new, or the resumed session's own (so its earlier notices stay genuine). */
  harnessKey: string;
}

/** Throws SessionLookupError when the session to resume cannot be found. */
export function openSession(opts: OpenSessionOptions): OpenedSession {
  const dir = sessionsDir(opts.home, opts.workspaceRoot);
  if (!opts.resume) {
    const id = opts.sessionId ?? newSessionId();
    const file = sessionPath(dir, id);
    const harnessKey = newHarnessKey();
    const writer = TranscriptWriter.create(file, { id, cwd: opts.workspaceRoot, model: opts.model, version: opts.version, harnessKey }, opts.writer);
    const messages: Message[] = [];
    return { id, path: file, writer, recorder: new TranscriptRecorder(writer, messages, { model: opts.model }), messages, report: [], harnessKey };
  }
  const info = 'latest' in opts.resume ? latestSession(dir) : resolveSession(dir, opts.resume.id);
  if (!info) throw new SessionLookupError('No saved session to continue in this workspace; start one with tandem.');
  const loaded = loadTranscript(info.path);
  const id = opts.fork ? opts.sessionId ?? newSessionId() : info.id;
  const file = opts.fork ? sessionPath(dir, id) : info.path;
  const stored = loaded.header?.harnessKey;
  const harnessKey = typeof stored === 'string' && /^[0-9a-f]{12}$/.test(stored) ? stored : newHarnessKey();
  const writer = opts.fork
    ? TranscriptWriter.create(file, { id, cwd: opts.workspaceRoot, model: opts.model, version: opts.version, harnessKey }, opts.writer)
    : TranscriptWriter.reopen(info.path, { model: opts.model, version: opts.version }, opts.writer);
  const messages = loaded.messages;
  // A fork starts its transcript with the whole conversation so far (a replacement record, as after compaction).
  if (opts.fork) writer.compaction('', messages);
  const recorder = new TranscriptRecorder(writer, messages, { model: opts.model, usageByModel: loaded.usageByModel });
  const notes = killedTaskNotes(loaded.tasksRunningAtEnd, `[tandem harness ${harnessKey}]`);
  if (notes.length) {
    for (const t of loaded.tasksRunningAtEnd) writer.taskEnd(t.id, 'killed at shutdown');
    appendUserContent(messages, notes);
    recorder.sync();
  }
  return { id, path: file, writer, recorder, messages, loaded, report: resumeReport(loaded), harnessKey };
}

/** Notes for the model about background tasks the previous process left running (and killed on exit). */
export function killedTaskNotes(tasks: RunningTask[], note = HARNESS_PREFIX): TextBlock[] {
  return tasks.map((t) => ({
    type: 'text',
    text: `${note} Background task ${t.id} (${t.command}) was running when the session ended; it was ` +
      'killed at shutdown. Start it again if its result is still needed.',
  }));
}

export function resumeReport(loaded: LoadedTranscript): string[] {
  const lines: string[] = [];
  const n = loaded.messages.length;
  lines.push(`Resumed ${n} message${n === 1 ? '' : 's'}${loaded.compactions ? ` (compacted ${loaded.compactions}×)` : ''}.`);
  for (const s of loaded.skipped) {
    lines.push(s.torn
      ? `Line ${s.line} of the transcript was cut off mid-write (the session ended during it); skipped.`
      : `Line ${s.line} of the transcript is unreadable (${s.reason}); skipped.`);
  }
  if (loaded.repaired) {
    lines.push(`${loaded.repaired} tool call${loaded.repaired === 1 ? ' was' : 's were'} still running when the session ended; marked interrupted.`);
  }
  for (const t of loaded.tasksRunningAtEnd) lines.push(`Task ${t.id} (${t.command}) was running when the session ended; it was killed at shutdown.`);
  return lines;
}
