// `tandem acp`: serve the Agent Client Protocol on stdin/stdout for an editor (see src/cli/acp/agent.ts).
import os from 'node:os';
import { Option } from 'commander';
import { loadDotEnv, requireCredentials, resolveConfig } from '../config.js';
import type { RegisterSubcommand } from './shared.js';

interface AcpFlags { model?: string; permissionMode?: string; allow: string[]; deny: string[]; sandbox?: boolean }

const collect = (value: string, previous: string[]) => [...previous, value];

export const register: RegisterSubcommand = (program, ctx) => {
  program
    .command('acp')
    .description('serve the Agent Client Protocol on stdio, for editors such as Zed (each session opens in the folder the editor gives)')
    .option('--model <name>', 'model id (env ANTHROPIC_MODEL or MODEL_ID)')
    .addOption(new Option('--permission-mode <mode>', 'the mode sessions start in').choices(['default', 'acceptEdits', 'plan', 'bypassPermissions']))
    .option('--allow <rule>', 'allow rule, e.g. "Bash(npm test:*)" (repeatable)', collect, [])
    .option('--deny <rule>', 'deny rule (repeatable)', collect, [])
    .option('--sandbox', 'run every command under bubblewrap')
    .action(async (flags: AcpFlags) => {
      loadDotEnv(process.cwd(), process.env, false);
      const config = resolveConfig({ ...flags, cwd: process.cwd() }, process.env, os.homedir());
      requireCredentials(config);
      const { serveAcp } = await import('../acp/agent.js');
      // stdout carries the protocol: every line tandem logs goes to stderr.
      ctx.setExitCode(await serveAcp({ config, version: ctx.version, log: (line) => process.stderr.write(`tandem: ${line}\n`) }));
    });
};
