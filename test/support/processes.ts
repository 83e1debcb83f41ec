// Finding the processes a test started, by a marker in their command line, and waiting on what the kernel does.
import { readdirSync, readFileSync } from 'node:fs';

let seq = 0;
/** A unique sleep duration (about 1000 s) to find a test's processes by their command line. */
export const marker = (): string => `1000.${process.pid}${++seq}${Math.floor(Math.random() * 1e4)}`;

/**
 * A command that leaves six `sleep <mark>` processes behind in every way a shell can: &, nohup, setsid, double
 * fork, disown, and one ignoring SIGTERM.
 */
export const escapees = (mark: string): string =>
  `sleep ${mark} & nohup sleep ${mark} >/dev/null 2>&1 & setsid sleep ${mark} & ( ( sleep ${mark} & ) & ) ; ` +
  `sleep ${mark} & disown; bash -c "trap '' TERM; sleep ${mark}" & echo started-all; wait`;

/** Live (not zombie) processes whose command line contains `mark`, as "pid: cmdline". */
export function survivors(mark: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1];
      if (cmdline.includes(mark) && state !== 'Z') found.push(`${name}: ${cmdline}`);
    } catch {
      // gone
    }
  }
  return found;
}

/** Polls a condition that depends on other processes (the kernel reaping them), with a generous deadline. */
export async function eventually(check: () => boolean, deadlineMs = 10_000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** Polls until `probe` holds; fails after `ms`, naming `what`. For process state the kernel changes asynchronously. */
export async function until(probe: () => Promise<boolean> | boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
