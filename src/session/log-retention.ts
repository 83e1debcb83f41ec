// Task logs and per-session temp folders do not pile up: each session's folder under the temp directory
// (`tandem-UID/SESSION`, task logs and sandbox guards) is removed once nothing in it has changed for the retention
// period (TANDEM_LOG_RETENTION_DAYS, default 7; 0 removes a session's folder when it exits, unless a persistent
// task still writes there). Pruning runs at start-up, for other sessions' folders.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_LOG_RETENTION_DAYS = 7;

/** Removes session folders under `base` (other than `current`) whose newest entry is older than `days`. */
export function pruneSessionFolders(base: string, days: number, current: string, now = Date.now()): string[] {
  const cutoff = now - days * 86_400_000;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = path.join(base, name);
    if (dir === current || !/^[0-9a-f-]{8,}$/i.test(name)) continue;
    try {
      if (!statSync(dir).isDirectory() || newest(dir) >= cutoff) continue;
      makeWritable(dir);
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // in use or not ours: leave it
    }
  }
  return removed;
}

/** Removes `dir` (the session's own folder at exit, with retention 0). */
export function removeSessionFolder(dir: string): void {
  try {
    makeWritable(dir);
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // best effort
  }
}

function newest(dir: string, depth = 0): number {
  let latest = statSync(dir).mtimeMs;
  if (depth > 3) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p, depth + 1) : statSync(p).mtimeMs);
  }
  return latest;
}

/** The sandbox's guard folder is read-only (0500): rm needs to write into it. */
function makeWritable(dir: string): void {
  const guard = path.join(dir, 'sandbox', 'guard-dir');
  try { statSync(guard); rmSync(guard, { recursive: true, force: true }); } catch { /* none */ }
}
