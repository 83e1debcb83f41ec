// Records of running tasks on disk, one JSON file each, so that a tandem started after one that died can
// find what it left running and kill it. An owner is dead when its pid is gone or belongs to a process with
// another start time (pid reuse).
import { join } from 'node:path';
import { oneLine } from '../core/text.js';
import { readRecordFiles, removeRecordFile, writeRecordFile } from './record-files.js';
import { findMembers, isAlive, processStartTime, scanProcesses, signalProcess, waitGone } from './process-table.js';

export interface TaskRecord {
  taskId: string;
  /** The spawned process (unshare or the shell) and its group. */
  pid: number;
  pgid: number;
  /** Start time (clock ticks since boot) of `pid`, so a reused pid is never taken for the task. */
  pidStartTime?: number;
  ownerPid: number;
  ownerStartTime?: number;
  startedAt: number;
  command: string;
  isolation: string;
  /** The task's TANDEM_TASK_TOKEN, found in the environment of everything it started. */
  token?: string;
}

const ownerStart = processStartTime(process.pid);

export class TaskRegistry {
  constructor(readonly dir: string) {}

  /** Writes a record atomically (temp file + rename); failures are ignored (the registry is best effort). */
  add(record: Omit<TaskRecord, 'ownerPid' | 'ownerStartTime'>): void {
    // Without a record only orphan reaping after a crash is lost.
    writeRecordFile(this.fileOf(record.taskId), { ...record, ownerPid: process.pid, ownerStartTime: ownerStart } satisfies TaskRecord);
  }

  remove(taskId: string): void {
    removeRecordFile(this.fileOf(taskId));
  }

  private fileOf(taskId: string): string {
    return join(this.dir, `${process.pid}-${ownerStart ?? 0}-${taskId}.json`);
  }
}

const REAP_GRACE_MS = 1000;

/**
 * Kills what dead tandem processes left running and removes their records. Live owners are left alone.
 * Returns one human line per record handled.
 */
export async function reapOrphans(dir: string): Promise<string[]> {
  const orphans = readRecordFiles<TaskRecord>(dir)
    .filter(({ record }) => !isAlive({ pid: record.ownerPid, startTime: record.ownerStartTime }));
  if (!orphans.length) return [];
  const table = scanProcesses({ tokens: true });
  const victims = orphans.map(({ record }) => findMembers(table, {
    rootPid: record.pid,
    rootStartTime: record.pidStartTime,
    // The group id is only a clue: its leader is gone and the id may have been reused. The token is proof.
    pgid: record.token ? undefined : record.pgid,
    token: record.token,
    notBefore: record.pidStartTime,
  }));
  for (const procs of victims) for (const p of procs) signalProcess(p, 'SIGTERM');
  await waitGone(victims.flat(), REAP_GRACE_MS);
  const lines: string[] = [];
  orphans.forEach(({ file, record }, i) => {
    const procs = victims[i];
    let forced = 0;
    for (const p of procs) if (signalProcess(p, 'SIGKILL')) forced++;
    removeRecordFile(file); // another tandem may have reaped it first
    const what = `task ${record.taskId} (\`${oneLine(record.command, 80)}\`) of tandem process ${record.ownerPid}, which is gone`;
    lines.push(procs.length
      ? `killed ${procs.length} leftover process${procs.length === 1 ? '' : 'es'} of ${what}`
        + `${forced ? ` (${forced} needed SIGKILL)` : ''}`
      : `removed the record of ${what}; its processes had already ended`);
  });
  return lines;
}
