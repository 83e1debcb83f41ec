// Waiting for a condition besides the end: a line of new output that matches a pattern ("ready when
// `Local:` appears") or something listening on a port. Returns as soon as any holds, saying which did and
// with the matching lines; otherwise behaves as TaskManager.wait.
import type { LinePattern } from '../core/line-pattern.js';
import { isListening } from './port-probe.js';
import type { TaskManager } from './task-manager.js';
import type { WaitResult } from './types.js';

/** How often the port is looked at (a listening socket sends no event). */
export const PORT_POLL_MS = 100;
/** Without output events (output that goes straight to a file), how often the logs are looked at. */
const IDLE_SCAN_MS = 250;
const MAX_LINES_PER_TASK = 20;

export interface UntilConditions {
  /** A line of new output (not yet shown to the model) matches. */
  pattern?: LinePattern;
  /** Something listens on this TCP port. */
  port?: number;
}

export type Condition = 'output' | 'port';

export interface UntilResult extends WaitResult {
  /** The conditions that held when the wait returned (empty: it returned for an end, the timeout or the user). */
  fired: Condition[];
  /** Matching lines per task, oldest first (at most MAX_LINES_PER_TASK each, `more` counts the rest). */
  matches: { id: string; lines: string[]; more: number }[];
}

export async function waitUntil(
  manager: TaskManager, ids: string[] | undefined, mode: 'any' | 'all', until: UntilConditions, timeoutMs: number,
  signal?: AbortSignal,
): Promise<UntilResult> {
  const watched = ids ?? manager.list().filter((t) => !t.foreground && t.status === 'running').map((t) => t.id);
  const scanners = until.pattern
    ? new Map(watched.map((id) => [id, manager.scanLines(id, until.pattern!)]))
    : new Map<string, never>();
  const found = new Map<string, { lines: string[]; more: number }>();
  const fired = new Set<Condition>();
  const stop = new AbortController();

  const scanAll = (): void => {
    for (const [id, scanner] of scanners) {
      for (let more = true; more;) {
        const r = scanner.scan();
        more = r.more;
        if (!r.matches.length) continue;
        const entry = found.get(id) ?? { lines: [], more: 0 };
        for (const m of r.matches) {
          if (entry.lines.length < MAX_LINES_PER_TASK) entry.lines.push(m.line);
          else entry.more++;
        }
        found.set(id, entry);
      }
    }
    if (found.size) {
      fired.add('output');
      stop.abort();
    }
  };

  let scheduled = false;
  const onOutput = (id: string): void => {
    if (scheduled || !scanners.has(id)) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (!stop.signal.aborted) scanAll();
    });
  };
  let probing = false;
  const probe = async (): Promise<void> => {
    if (probing || until.port === undefined || stop.signal.aborted) return;
    probing = true;
    try {
      if (await isListening(until.port)) {
        fired.add('port');
        stop.abort();
      }
    } finally {
      probing = false;
    }
  };

  const timers: NodeJS.Timeout[] = [];
  if (scanners.size) {
    manager.on('output', onOutput);
    timers.push(setInterval(() => onOutput(scanners.keys().next().value!), IDLE_SCAN_MS));
    scanAll();
  }
  if (until.port !== undefined) {
    timers.push(setInterval(() => void probe(), PORT_POLL_MS));
    await probe();
  }
  try {
    const combined = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    const result = await manager.wait(ids, mode, timeoutMs, combined);
    // Output that arrived with a task's end (or just before the wait returned) is looked at too.
    if (!stop.signal.aborted) scanAll();
    const matches = [...found].map(([id, m]) => ({ id, ...m }));
    if (fired.size) return { ...result, timedOut: false, interrupted: signal?.aborted ?? false, fired: [...fired], matches };
    return { ...result, fired: [], matches };
  } finally {
    manager.off('output', onOutput);
    for (const t of timers) clearInterval(t);
  }
}
