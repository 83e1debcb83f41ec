// Every `tandem SUBCOMMAND`, one module each. Add a new one here with one import and one list entry.
import type { Command } from 'commander';
import * as acp from './acp.js';
import * as mcp from './mcp.js';
import * as models from './models.js';
import * as sessions from './sessions.js';
import * as tasks from './tasks.js';
import * as trust from './trust.js';
import type { RegisterSubcommand, SubcommandContext } from './shared.js';

const SUBCOMMANDS: { register: RegisterSubcommand }[] = [
  sessions,
  acp,
  models,
  mcp,
  trust,
  tasks,
];

export function registerSubcommands(program: Command, ctx: SubcommandContext): void {
  for (const sub of SUBCOMMANDS) sub.register(program, ctx);
}
