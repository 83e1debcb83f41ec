// One JSON record per file in a folder, best effort: the task registry and the persistent-task store both keep
// their records this way, so a reader never sees half a record (temp file + rename) and a failure is ignored.
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes `value` to `file` atomically, making its folder; false when that failed. */
export function writeRecordFile(file: string, value: unknown): boolean {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(value));
    renameSync(`${file}.tmp`, file);
    return true;
  } catch {
    return false;
  }
}

export function removeRecordFile(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/** Every readable `*.json` record in `dir` (none when the folder is missing); a file being written is skipped. */
export function readRecordFiles<T>(dir: string): { file: string; record: T }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: { file: string; record: T }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      out.push({ file, record: JSON.parse(readFileSync(file, 'utf8')) as T });
    } catch {
      // being written, or not ours
    }
  }
  return out;
}
