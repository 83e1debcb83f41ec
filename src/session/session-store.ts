// Where transcripts live and how to find one: <home>/projects/<workspace key>/<session id>.jsonl.
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { oneLine } from '../core/text.js';
import { readTranscriptHead } from './transcript-load.js';

/** One stored session, for listings and --resume. */
export interface SessionInfo {
  id: string;
  path: string;
  /** From the header; undefined when the header line is unreadable. */
  startedAt?: Date;
  /** Last write (file mtime). */
  updatedAt: Date;
  firstPrompt?: string;
  sizeBytes: number;
  model?: string;
}

/** A session id or prefix that names no session, or more than one; the message lists what would match. */
export class SessionLookupError extends Error {
  override name = 'SessionLookupError';
}

const SESSION_EXT = '.jsonl';
const SAFE_ID = /^[A-Za-z0-9_-]+$/;
const MAX_KEY_CHARS = 100;

/**
 * A folder name for a workspace's real path, readable like Claude Code's ("/work/main" -> "-work-main").
 * Paths with characters other than letters, digits and "/" (or very long ones) map lossily, so they get "_"
 * and a hash of the full path: "_" never appears in a plain key, so two workspaces never share a folder.
 */
export function workspaceKey(realRoot: string): string {
  const plain = realRoot.replace(/[^A-Za-z0-9]/g, '-');
  if (/^[A-Za-z0-9/]+$/.test(realRoot) && plain.length <= MAX_KEY_CHARS) return plain;
  const hash = createHash('sha256').update(realRoot).digest('hex').slice(0, 8);
  return `${plain.slice(0, MAX_KEY_CHARS - 9)}_${hash}`;
}

/** The folder holding a workspace's transcripts; `workspaceRoot` must be a real path (Workspace.root). */
export function sessionsDir(home: string, workspaceRoot: string): string {
  return path.join(home, 'projects', workspaceKey(workspaceRoot));
}

export function sessionPath(dir: string, id: string): string {
  if (!SAFE_ID.test(id)) throw new SessionLookupError(`"${id}" is not a session id (letters, digits, "-" and "_" only).`);
  return path.join(dir, `${id}${SESSION_EXT}`);
}

export function newSessionId(): string {
  return randomUUID();
}

/** The workspace's sessions, most recently updated first; an empty list when there are none. */
export function listSessions(dir: string): SessionInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(SESSION_EXT));
  } catch {
    return [];
  }
  const sessions: SessionInfo[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const st = statSync(file);
      if (!st.isFile()) continue;
      const head = readTranscriptHead(file);
      const startedAt = head.header ? new Date(head.header.ts) : undefined;
      sessions.push({
        id: name.slice(0, -SESSION_EXT.length),
        path: file,
        startedAt: startedAt && !Number.isNaN(startedAt.getTime()) ? startedAt : undefined,
        updatedAt: st.mtime,
        firstPrompt: head.firstPrompt,
        sizeBytes: st.size,
        model: head.header?.model,
      });
    } catch {
      // Vanished or unreadable while listing: not a session we can resume.
    }
  }
  return sessions.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || a.id.localeCompare(b.id));
}

export function latestSession(dir: string): SessionInfo | undefined {
  return listSessions(dir)[0];
}

/** The session whose id is `idOrPrefix`, or the only one it prefixes. Throws SessionLookupError otherwise. */
export function resolveSession(dir: string, idOrPrefix: string): SessionInfo {
  const wanted = idOrPrefix.trim();
  const sessions = listSessions(dir);
  const exact = sessions.find((s) => s.id === wanted);
  if (exact) return exact;
  const matches = wanted ? sessions.filter((s) => s.id.startsWith(wanted)) : [];
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    const hint = sessions.length ? 'tandem sessions lists them' : 'this workspace has no saved sessions';
    throw new SessionLookupError(`No session "${wanted}" in this workspace (${hint}).`);
  }
  throw new SessionLookupError(
    `"${wanted}" matches ${matches.length} sessions; give more of the id:\n${formatSessionList(matches, { fullIds: true })}`,
  );
}

/** One line per session: id (shortened to a unique prefix unless `fullIds`), last update, size, first prompt. */
export function formatSessionList(sessions: SessionInfo[], opts: { fullIds?: boolean } = {}): string {
  if (!sessions.length) return 'No saved sessions for this workspace.';
  const ids = sessions.map((s) => s.id);
  const width = opts.fullIds ? Math.max(...ids.map((id) => id.length)) : shortIdLength(ids);
  return sessions
    .map((s) => {
      const prompt = s.firstPrompt ? oneLine(s.firstPrompt, 60) : '(no prompt)';
      return `  ${s.id.slice(0, width).padEnd(width)}  ${formatDate(s.updatedAt)}  ${formatBytes(s.sizeBytes).padStart(8)}  ${prompt}`;
    })
    .join('\n');
}

/** The shortest prefix length (at least 8) that tells every id apart. */
export function shortIdLength(ids: string[]): number {
  const max = Math.max(0, ...ids.map((id) => id.length));
  for (let n = Math.min(8, max); n < max; n++) {
    if (new Set(ids.map((id) => id.slice(0, n))).size === ids.length) return n;
  }
  return max;
}

/** Local time, minute precision: "2025-06-01 14:03". */
export function formatDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
