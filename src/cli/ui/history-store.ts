// Prompt history kept across runs in <TANDEM_HOME>/history: one JSON string a line, oldest first, bounded.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const HISTORY_LIMIT = 1000;
/** Entries longer than this are kept for this run only. */
const MAX_ENTRY_CHARS = 10_000;

export class HistoryStore {
  readonly file: string;
  #entries: string[];

  /** Reads the file (a missing or unreadable one is an empty history; bad lines are skipped). */
  constructor(file: string, readonly limit = HISTORY_LIMIT) {
    this.file = file;
    this.#entries = load(file).slice(-limit);
  }

  static inHome(home: string): HistoryStore {
    return new HistoryStore(path.join(home, 'history'));
  }

  /** Oldest first. */
  get entries(): readonly string[] {
    return this.#entries;
  }

  /** Appends an entry (not a repeat of the last one); persistence failures are ignored. */
  add(entry: string): void {
    if (!entry.trim() || this.#entries.at(-1) === entry) return;
    this.#entries.push(entry);
    if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
    if (entry.length > MAX_ENTRY_CHARS) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      this.#compactIfLong();
    } catch {
      // History is a convenience; a read-only home must not break the prompt.
    }
  }

  /** Rewrites the file once it holds twice the limit, keeping the newest entries. */
  #compactIfLong(): void {
    const onDisk = load(this.file);
    if (onDisk.length <= this.limit * 2) return;
    writeFileSync(this.file, onDisk.slice(-this.limit).map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
  }
}

function load(file: string): string[] {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const line of raw.split('\n')) {
    if (!line) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'string') out.push(value);
    } catch {
      // a torn or foreign line: skip it
    }
  }
  return out;
}
