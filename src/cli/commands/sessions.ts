// `tandem sessions`: the workspace's saved sessions, newest first.
import { realpathSync } from 'node:fs';
import os from 'node:os';
import { resolveConfig } from '../config.js';
import { requireDirectory, type RegisterSubcommand } from './shared.js';

export const register: RegisterSubcommand = (program) => {
  program
    .command('sessions')
    .description("list this workspace's saved sessions, newest first (resume one with tandem -r ID)")
    .option('--cwd <dir>', 'workspace directory (default: the current directory)')
    .action(async (opts: { cwd?: string }) => {
      await printSessions(requireDirectory(opts.cwd ?? process.cwd(), '--cwd'));
    });
};

export async function printSessions(cwd: string): Promise<void> {
  const { listSessions, sessionsDir, formatSessionList } = await import('../../session/session-store.js');
  const config = resolveConfig({ cwd }, process.env, os.homedir());
  const sessions = listSessions(sessionsDir(config.home, realpathSync(config.cwd)));
  process.stdout.write(sessions.length ? `${formatSessionList(sessions)}\n` : 'No saved sessions in this workspace.\n');
}
