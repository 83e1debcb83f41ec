// Descriptors tandem inherited from whoever started it (a test runner, an editor, a CI agent) would pass on to
// every command it runs: a pipe's write end could let a command forge what a parent reads, a file could leak. All
// of Node's own descriptors are close-on-exec; one above stderr that is not was inherited, and is closed at
// start-up (except Node's IPC channel, when tandem was forked with one).
import { closeSync, readdirSync, readFileSync } from 'node:fs';

const O_CLOEXEC = 0o2000000;

/** Closes inherited descriptors above 2 that would reach child processes. Linux only; elsewhere a no-op. */
export function closeInheritedDescriptors(): number[] {
  if (process.platform !== 'linux') return [];
  const keep = new Set([0, 1, 2, Number(process.env.NODE_CHANNEL_FD ?? -1)]);
  const closed: number[] = [];
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fdinfo');
  } catch {
    return [];
  }
  for (const name of fds) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || keep.has(fd)) continue;
    try {
      const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
      if (flags === undefined || (parseInt(flags, 8) & O_CLOEXEC)) continue;
      closeSync(fd);
      closed.push(fd);
    } catch {
      // gone meanwhile (the directory listing's own descriptor), or not ours to inspect
    }
  }
  return closed;
}
