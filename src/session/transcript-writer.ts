// Appends transcript records, one JSON line each, with a synchronous write per record: a record is in the
// file (the OS page cache) when `append` returns, so killing the process loses at most the item in flight.
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { ContentBlock, Message, ToolDetails, Usage } from '../core/types.js';
import { TRANSCRIPT_VERSION, type NoticeRecord, type RecordInput } from './records.js';

export interface TranscriptWriterOptions {
  /** fsync after every record: survives power loss too, at a cost per record (see bench/session.ts). */
  fsync?: boolean;
  /** Called once, on the first write that fails; the writer then stops writing. */
  onError?: (error: Error) => void;
  now?: () => Date;
  /** Applied to each line before it is written, e.g. to replace API keys with [REDACTED]. */
  redact?: (line: string) => string;
}

export interface SessionHeader { id: string; cwd: string; model: string; version: string; harnessKey?: string }

/**
 * Writes one session's transcript. The file is created (with its header) on the first record, so a session
 * that never records anything leaves no file. Contract: never throws after construction; a failed write is
 * reported through `onError` and ends recording, and the session carries on without a transcript.
 */
export class TranscriptWriter {
  readonly path: string;
  #fd: number | undefined;
  #pending: RecordInput[];
  #failed = false;
  #closed = false;
  #opts: TranscriptWriterOptions;

  private constructor(file: string, pending: RecordInput[], opts: TranscriptWriterOptions) {
    this.path = file;
    this.#pending = pending;
    this.#opts = opts;
  }

  /** A new session's transcript at `file`; nothing is written until the first record. */
  static create(file: string, header: SessionHeader, opts: TranscriptWriterOptions = {}): TranscriptWriter {
    return new TranscriptWriter(file, [{ type: 'session', v: TRANSCRIPT_VERSION, ...header }], opts);
  }

  /** Continues an existing transcript; a `resume` record goes first, with the next record. */
  static reopen(file: string, resume: { model: string; version: string }, opts: TranscriptWriterOptions = {}): TranscriptWriter {
    return new TranscriptWriter(file, [{ type: 'resume', ...resume }], opts);
  }

  get failed(): boolean { return this.#failed; }

  append(record: RecordInput): void {
    if (this.#failed || this.#closed) return;
    try {
      if (this.#fd === undefined) this.#open();
      const records = [...this.#pending, record];
      this.#pending = [];
      const ts = (this.#opts.now?.() ?? new Date()).toISOString();
      const redact = this.#opts.redact ?? ((line: string) => line);
      const text = records.map((r) => `${redact(JSON.stringify({ ...r, ts: r.ts ?? ts }))}\n`).join('');
      writeAll(this.#fd!, Buffer.from(text, 'utf8'));
      // A compaction replaces the context the session resumes from: worth a disk flush even without fsync.
      if (this.#opts.fsync || record.type === 'compaction') fsyncSync(this.#fd!);
    } catch (err) {
      this.#fail(err);
    }
  }

  message(role: Message['role'], content: ContentBlock[], details?: ToolDetails): void {
    if (content.length) this.append({ type: 'message', role, content, ...(details ? { details } : {}) });
  }

  usage(usage: Usage, model: string, agent?: string): void {
    this.append({ type: 'usage', usage, model, ...(agent ? { agent } : {}) });
  }

  notice(level: NoticeRecord['level'], text: string): void {
    this.append({ type: 'notice', level, text });
  }

  taskStart(id: string, command: string): void {
    this.append({ type: 'task', event: 'start', id, command });
  }

  taskEnd(id: string, status: string): void {
    this.append({ type: 'task', event: 'end', id, status });
  }

  compaction(summary: string, messages: Message[], extra: { focus?: string; usage?: Usage; model?: string } = {}): void {
    this.append({ type: 'compaction', summary, messages, ...extra });
  }

  /** Forces written records to disk (e.g. before exit); a no-op before the first record. */
  sync(): void {
    if (this.#fd === undefined || this.#failed) return;
    try { fsyncSync(this.#fd); } catch (err) { this.#fail(err); }
  }

  close(): void {
    if (this.#closed) return;
    this.sync();
    this.#closed = true;
    if (this.#fd !== undefined) {
      try { closeSync(this.#fd); } catch { /* already reported or harmless */ }
      this.#fd = undefined;
    }
  }

  #open(): void {
    mkdirSync(path.dirname(this.path), { recursive: true, mode: 0o700 });
    // A torn last line (the previous process died mid-write) must not swallow the next record.
    const torn = !endsWithNewline(this.path);
    this.#fd = openSync(this.path, 'a', 0o600);
    if (torn) writeAll(this.#fd, Buffer.from('\n'));
  }

  #fail(err: unknown): void {
    this.#failed = true;
    const error = err instanceof Error ? err : new Error(String(err));
    this.#opts.onError?.(new Error(`Transcript ${this.path}: ${error.message}; recording stopped.`));
  }
}

function writeAll(fd: number, buf: Buffer): void {
  for (let off = 0; off < buf.length;) {
    const n = writeSync(fd, buf, off, buf.length - off);
    if (n <= 0) throw new Error('write made no progress');
    off += n;
  }
}

/** True for a missing or empty file too: only a non-empty file without a final newline has a torn line. */
function endsWithNewline(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const buf = Buffer.alloc(1);
    readSync(fd, buf, 0, 1, size - 1);
    return buf[0] === 0x0a;
  } catch {
    return true;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
