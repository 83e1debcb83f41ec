// `tandem trust [DIR]`: trust a workspace from the shell (what the interactive UI asks on first start), so its
// settings may allow tools and its hooks and MCP servers may run. `--revoke` remembers "no"; `--list` shows all.
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { listTrust, projectInventory, rememberTrust } from '../../workspace/trust.js';
import { requireDirectory, type RegisterSubcommand } from './shared.js';

/** tandem's state folder, as the root command resolves it (TANDEM_HOME, else ~/.tandem). */
export function tandemHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.TANDEM_HOME?.trim() || path.join(os.homedir(), '.tandem');
}

export const register: RegisterSubcommand = (program: Command) => {
  program
    .command('trust')
    .argument('[dir]', 'the workspace (default: the current directory); its subfolders are trusted with it')
    .description('trust a workspace: its settings may allow tools, and its hooks and MCP servers may run')
    .option('--revoke', 'remember the workspace as not trusted')
    .option('--list', 'list the workspaces remembered as trusted or not')
    .action(async (dir: string | undefined, opts: { revoke?: boolean; list?: boolean }) => {
      const home = tandemHome();
      if (opts.list) {
        const all = listTrust(home);
        process.stdout.write(all.length
          ? `${all.map((e) => `${e.trusted ? 'trusted    ' : 'not trusted'}  ${e.dir}  (since ${e.at.slice(0, 10)})`).join('\n')}\n`
          : 'No workspace trusted yet: tandem trust [DIR] trusts one.\n');
        return;
      }
      const target = requireDirectory(dir ?? process.cwd(), 'tandem trust');
      const real = await rememberTrust(home, target, !opts.revoke);
      if (opts.revoke) {
        process.stdout.write(`Not trusted: ${real}. Its settings only narrow permissions; its hooks and MCP servers do not run.\n`);
        return;
      }
      const { items } = await projectInventory(real);
      const adds = items.length ? `It adds:\n${items.map((i) => `  ${i}`).join('\n')}\n` : 'It has no settings, hooks or MCP servers of its own yet.\n';
      process.stdout.write(`Trusted: ${real} (and the folders under it). ${adds}`);
    });
};
