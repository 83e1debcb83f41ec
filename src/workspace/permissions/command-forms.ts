// The word lists a simple command is matched in: the one allow rules must cover, and the variants deny and
// ask rules are tried on (without `VAR=x` prefixes, with `/usr/bin/git` as `git`, without git's global options).
import path from 'node:path';
import type { CommandPart } from './shell-analysis.js';
import { type Arg, isDynamic } from './shell-words.js';

export interface CommandForms {
  /** Assignments and words as written: what an allow rule must match. */
  allow: Arg[];
  /** Every form; a deny or ask rule matching any of them applies. */
  all: Arg[][];
}

export function commandForms(part: CommandPart): CommandForms {
  const allow = [...part.assigns, ...part.argv];
  const all: Arg[][] = [part.argv];
  if (part.assigns.length) all.push(allow);
  const [name] = part.argv;
  if (typeof name === 'string' && name.includes('/')) all.push([path.basename(name), ...part.argv.slice(1)]);
  for (const form of [...all]) {
    const git = withoutGitOptions(form);
    if (git) all.push(git);
  }
  return { allow, all };
}

const GIT_OPTIONS_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env', '--super-prefix', '--exec-path']);

/** `git -C dir --no-pager push` → `git push`, so `Bash(git push:*)` in deny still catches it. */
function withoutGitOptions(argv: Arg[]): Arg[] | undefined {
  const [name] = argv;
  if (typeof name !== 'string' || path.basename(name) !== 'git') return undefined;
  let i = 1;
  while (i < argv.length) {
    const a = argv[i];
    if (isDynamic(a) || !a.startsWith('-')) break;
    i += GIT_OPTIONS_WITH_VALUE.has(a) ? 2 : 1;
  }
  return i > 1 ? ['git', ...argv.slice(i)] : undefined;
}

/** Shell built-ins that only affect the shell itself (output aside): they run without a rule in every mode. */
const FREE_BUILTINS = new Set([
  'cd', 'pushd', 'popd', 'pwd', 'true', 'false', ':', 'test', '[', 'echo', 'printf', 'exit', 'return', 'break',
  'continue', 'shift', 'set', 'unset', 'shopt', 'wait', 'read', 'type', 'local', 'declare', 'typeset', 'export',
  'readonly',
]);

export function isFreeBuiltin(part: CommandPart): boolean {
  const [name] = part.argv;
  if (typeof name !== 'string' || part.note) return false;
  if (name === 'command') return typeof part.argv[1] === 'string' && /^-[pvV]*[vV][pvV]*$/.test(part.argv[1]);
  return FREE_BUILTINS.has(name);
}
