// Persistent tasks on disk: one JSON record per task in `<home>/persistent-tasks/<session id>/`, kept while the
// task runs and until the model has been told how it ended, so a later tandem (or `tandem tasks`) can find it.
// A task's keeper writes `<log>.exit` ("code signal epoch-seconds total-bytes", '-' for none) when it ends,
// with or without a tandem running: that is the real exit status a re-attach reports.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IsolationMode } from './isolation.js';
import { readRecordFiles, removeRecordFile, writeRecordFile } from './record-files.js';
import { findMembers, isAlive, scanProcesses, signalProcess, waitGone, type ProcInfo } from './process-table.js';
import { signalName } from './spawn.js';
import type { KilledBy } from './types.js';

export interface PersistentRecord {
  taskId: string;
  sessionId: string;
  command: string;
  description?: string;
  cwd: string;
  startedAt: number;
  logPath: string;
  /** The wrapper the keeper spawned (unshare or the shell), its start time, the task's token. */
  pid: number;
  pidStartTime?: number;
  token: string;
  isolation: IsolationMode;
  /** Output the model has seen, up to this byte. */
  cursor: number;
  /** Set when it was killed from outside the session (`tandem tasks kill`). */
  killedBy?: KilledBy;
}

export interface ExitFile {
  code: number | null;
  signal: string | null;
  endedAt: number;
  totalBytes: number;
}

export class PersistentStore {
  constructor(readonly dir: string) {}

  save(record: PersistentRecord): void {
    // Without a record the task still runs; only re-attaching to it is lost.
    writeRecordFile(this.fileOf(record.taskId), record);
  }

  remove(taskId: string): void {
    removeRecordFile(this.fileOf(taskId));
  }

  list(): PersistentRecord[] {
    return readRecordFiles<PersistentRecord>(this.dir).map((r) => r.record).sort((a, b) => a.startedAt - b.startedAt);
  }

  private fileOf(taskId: string): string {
    return join(this.dir, `${taskId}.json`);
  }
}

/** Every session's persistent tasks under `root` (`<home>/persistent-tasks`). */
export function allPersistent(root: string): { store: PersistentStore; record: PersistentRecord }[] {
  let sessions: string[];
  try {
    sessions = readdirSync(root);
  } catch {
    return [];
  }
  return sessions.flatMap((s) => {
    const store = new PersistentStore(join(root, s));
    return store.list().map((record) => ({ store, record }));
  });
}

export function readExitFile(logPath: string): ExitFile | undefined {
  let text: string;
  try {
    text = readFileSync(`${logPath}.exit`, 'utf8');
  } catch {
    return undefined;
  }
  const [code, signal, at, total] = text.trim().split(' ');
  return {
    code: code === undefined || code === '-' ? null : Number(code),
    signal: signal === undefined || signal === '-' ? null : signalName(Number(signal)),
    endedAt: Number(at) * 1000,
    totalBytes: Number(total) || 0,
  };
}

export function recordAlive(r: PersistentRecord): boolean {
  return isAlive({ pid: r.pid, startTime: r.pidStartTime });
}

/** The live processes of a recorded task (its wrapper, namespace or group, and whatever carries its token). */
export function recordMembers(r: PersistentRecord): ProcInfo[] {
  const alive = recordAlive(r);
  return findMembers(scanProcesses({ tokens: true }), {
    rootPid: alive ? r.pid : -1, rootStartTime: r.pidStartTime, pgid: alive ? r.pid : undefined, token: r.token,
    notBefore: r.pidStartTime,
  });
}

/** SIGTERM to every process of the task, SIGKILL to what is left after the grace; resolves when all are gone. */
export async function killRecord(r: PersistentRecord, graceMs = 2000): Promise<{ processes: number; forced: number }> {
  const procs = recordMembers(r);
  for (const p of procs) signalProcess(p, 'SIGTERM');
  await waitGone(procs, graceMs);
  let forced = 0;
  for (const p of [...procs, ...recordMembers(r)]) if (isAlive(p) && signalProcess(p, 'SIGKILL')) forced++;
  return { processes: procs.length, forced };
}
