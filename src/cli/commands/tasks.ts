// `tandem tasks`: persistent background tasks from the shell — list them, end them, read their logs.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../config.js';
import type { RegisterSubcommand, SubcommandContext } from './shared.js';

export const register: RegisterSubcommand = (program, ctx) => {
  const tasks = program
    .command('tasks')
    .description('persistent background tasks (background_run persistent: true), in every session: list them')
    .action(async () => { await listTasks(ctx); });
  tasks
    .command('kill <id>')
    .description('end a persistent task (SIGTERM, then SIGKILL after 2 s), or all of them; ID as listed, e.g. b2')
    .action(async (id: string) => { await killTasks(id, ctx); });
  tasks
    .command('logs <id>')
    .description("print a persistent task's output log")
    .option('-f, --follow', 'keep printing new output until the task ends')
    .action(async (id: string, opts: { follow?: boolean }) => { await printLogs(id, !!opts.follow, ctx); });
};

async function load() {
  const persistent = await import('../../tasks/persistent.js');
  const report = await import('../../tasks/persistent-report.js');
  const config = resolveConfig({ cwd: process.cwd() }, process.env, os.homedir());
  const entries = persistent.allPersistent(path.join(config.home, 'persistent-tasks'));
  return { persistent, report, entries };
}

type Loaded = Awaited<ReturnType<typeof load>>;

/** `b2`, or `SESSION/b2` (a session id prefix) when several sessions have a b2. */
function pick(entries: Loaded['entries'], id: string): Loaded['entries'] {
  const [sessionPart, taskPart] = id.includes('/') ? id.split('/', 2) as [string, string] : [undefined, id];
  return entries.filter((e) => e.record.taskId === taskPart && (!sessionPart || e.record.sessionId.startsWith(sessionPart)));
}

function qualified(entries: Loaded['entries'], e: Loaded['entries'][number]): string {
  const twins = entries.filter((o) => o.record.taskId === e.record.taskId).length;
  return twins > 1 ? `${e.record.sessionId.slice(0, 8)}/${e.record.taskId}` : e.record.taskId;
}

async function listTasks(_ctx: SubcommandContext): Promise<void> {
  const { report, entries } = await load();
  if (!entries.length) {
    process.stdout.write('No persistent tasks. (background_run with persistent: true starts one.)\n');
    return;
  }
  const rows = entries.map((e) => {
    const status = report.recordStatus(e.record);
    return [qualified(entries, e), status.text, e.record.sessionId.slice(0, 8), e.record.cwd, e.record.command.replace(/\s+/g, ' ')];
  });
  const header = ['id', 'status', 'session', 'cwd', 'command'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  process.stdout.write(`${[fmt(header), ...rows.map(fmt)].join('\n')}\n`);
}

async function killTasks(id: string, ctx: SubcommandContext): Promise<void> {
  const { persistent, report, entries } = await load();
  const chosen = id === 'all' ? entries.filter((e) => report.recordStatus(e.record).running) : pick(entries, id);
  if (id !== 'all' && chosen.length !== 1) {
    process.stderr.write(chosen.length
      ? `tandem tasks: several sessions have a task ${id}: ${chosen.map((e) => qualified(entries, e)).join(', ')}; name one.\n`
      : `tandem tasks: no persistent task ${id}. \`tandem tasks\` lists them.\n`);
    ctx.setExitCode(1);
    return;
  }
  if (!chosen.length) {
    process.stdout.write('No persistent task is running.\n');
    return;
  }
  await Promise.all(chosen.map(async (e) => {
    const name = qualified(entries, e);
    if (!report.recordStatus(e.record).running) {
      process.stdout.write(`${name}: already ended (${report.recordStatus(e.record).text})\n`);
      return;
    }
    // Its session, when resumed, is told who ended it.
    e.store.save({ ...e.record, killedBy: 'user' });
    const { processes, forced } = await persistent.killRecord(e.record);
    process.stdout.write(`${name}: killed (${processes} process${processes === 1 ? '' : 'es'}${forced ? `, ${forced} needed SIGKILL` : ''}): ${e.record.command}\n`);
  }));
}

async function printLogs(id: string, follow: boolean, ctx: SubcommandContext): Promise<void> {
  const { persistent, entries } = await load();
  const chosen = pick(entries, id);
  if (chosen.length !== 1) {
    process.stderr.write(`tandem tasks: ${chosen.length ? `several sessions have a task ${id}; name one as SESSION/${id}` : `no persistent task ${id}`}.\n`);
    ctx.setExitCode(1);
    return;
  }
  const { record } = chosen[0]!;
  let offset = 0;
  const copy = (): void => {
    let size = 0;
    try {
      size = statSync(record.logPath).size;
    } catch {
      return;
    }
    if (size <= offset) return;
    const fd = openSync(record.logPath, 'r');
    const buf = Buffer.allocUnsafe(64 * 1024);
    try {
      while (offset < size) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, size - offset), offset);
        if (n === 0) break;
        process.stdout.write(buf.subarray(0, n));
        offset += n;
      }
    } finally {
      closeSync(fd);
    }
  };
  copy();
  if (!follow) return;
  // Until the keeper says it ended (its exit file), or it is gone without one.
  while (!persistent.readExitFile(record.logPath) && persistent.recordAlive(record)) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    copy();
  }
  copy();
}
