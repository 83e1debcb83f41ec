// What people are told about persistent tasks: on re-attach, on exit, and by `tandem tasks`.
import { formatDuration, oneLine } from '../core/text.js';
import { describeStatus } from './notices.js';
import { readExitFile, recordAlive, type PersistentRecord } from './persistent.js';
import type { TaskSnapshot } from './types.js';

export function reattachReport(found: TaskSnapshot[]): string[] {
  return found.map((t) => (t.status === 'running'
    ? `re-attached to persistent task ${t.id} (${oneLine(t.command, 60)}), still running`
    : `persistent task ${t.id} (${oneLine(t.command, 60)}) ended while tandem was not running; its notice follows`));
}

export function persistentReport(running: TaskSnapshot[]): string[] {
  if (!running.length) return [];
  const list = running.map((t) => `${t.id} (${oneLine(t.command, 60)})`).join(', ');
  return [`${running.length} persistent task${running.length === 1 ? '' : 's'} keep${running.length === 1 ? 's' : ''} running: ${list}. `
    + '`tandem tasks` lists them, `tandem tasks kill ID|all` ends them; `tandem -c` re-attaches.'];
}

/** running / how it ended, from the record and its exit file. */
export function recordStatus(r: PersistentRecord): { running: boolean; text: string } {
  const exit = readExitFile(r.logPath);
  if (exit) {
    const snap: TaskSnapshot = {
      id: r.taskId, command: r.command, status: r.killedBy ? 'killed' : 'exited', startedAt: r.startedAt,
      runtimeMs: exit.endedAt - r.startedAt, outputBytes: exit.totalBytes, logPath: r.logPath, tty: false, foreground: false,
      ...(exit.code !== null ? { exitCode: exit.code } : {}), ...(exit.signal ? { signal: exit.signal } : {}),
      ...(r.killedBy ? { killedBy: r.killedBy } : {}),
    };
    return { running: false, text: describeStatus(snap) };
  }
  if (recordAlive(r)) return { running: true, text: `running for ${formatDuration(Date.now() - r.startedAt)}` };
  return { running: false, text: 'gone, exit status unknown (its keeper was killed)' };
}
