// Small helpers every subcommand uses.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../config.js';

/** What a subcommand gets from the entry point. */
export interface SubcommandContext {
  version: string;
  /** The process exit status once the command's action has finished (0 unless set). */
  setExitCode(code: number): void;
}

/** A subcommand module: adds its command (and its own subcommands) to the program. */
export type RegisterSubcommand = (program: Command, ctx: SubcommandContext) => void;

/** `dir` resolved, or a ConfigError naming the flag when it is not an existing directory. */
export function requireDirectory(dir: string, flag: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`${flag} ${dir}: no such directory.`);
  return path.resolve(dir);
}
