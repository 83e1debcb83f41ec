// Which simple commands can run code tandem cannot see. A finite list of wrappers always misses one, so the list
// is inverted: programs known to be inert (they read, print, copy or compare, and run nothing their arguments
// name) are judged by their own words; carriers (carriers.ts) are judged by what they run; everything else
// (interpreters, build tools, package runners, unknown programs, and known programs used in a way that runs
// code: awk's system(), sed's `e`, git aliases, tar's --to-command) "runs arbitrary code". decide.ts makes such
// a command ask whenever a Bash deny or ask rule is in force, whatever allow rules say.
import path from 'node:path';
import { unwrapCarrier } from './carriers.js';
import { type Arg, isDynamic } from './shell-words.js';

/** Programs that run nothing their arguments name (with the exceptions checked below). */
const INERT = new Set([
  // files and text
  'ls', 'cat', 'head', 'tail', 'wc', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'sort', 'uniq', 'cut', 'tr', 'diff', 'cmp',
  'comm', 'file', 'stat', 'du', 'df', 'tree', 'nl', 'od', 'xxd', 'hexdump', 'base64', 'base32', 'md5sum', 'sha1sum',
  'sha256sum', 'sha512sum', 'cksum', 'tac', 'rev', 'paste', 'join', 'fold', 'fmt', 'column', 'expand', 'unexpand',
  'split', 'csplit', 'strings', 'iconv', 'jq', 'less', 'more', 'sed', 'awk', 'gawk', 'mawk', 'nawk', 'tar', 'zip',
  'unzip', 'gzip', 'gunzip', 'zcat', 'bzip2', 'bunzip2', 'xz', 'unxz', 'zstd', 'shuf', 'look', 'readlink',
  'realpath', 'basename', 'dirname', 'pathchk', 'mktemp', 'truncate', 'dd', 'patch',
  // changing files (judged by their words; rules and the sandbox decide where)
  'mkdir', 'rmdir', 'touch', 'cp', 'mv', 'rm', 'ln', 'chmod', 'chown', 'chgrp', 'install', 'shred', 'unlink',
  // the system, read-only
  'echo', 'printf', 'true', 'false', 'test', '[', 'pwd', 'date', 'cal', 'whoami', 'id', 'groups', 'uname', 'hostname',
  'uptime', 'ps', 'pgrep', 'free', 'nproc', 'lscpu', 'lsblk', 'which', 'whereis', 'printenv', 'locale', 'tty',
  'sleep', 'seq', 'yes', 'kill', 'pkill', 'wait', 'cd', 'pushd', 'popd', 'type', 'hash', 'export', 'unset', 'set',
  'read', 'shift', 'exit', 'return', 'break', 'continue', 'local', 'declare', 'typeset', 'readonly', 'shopt', ':',
  'alias', 'umask', 'ulimit', 'getconf', 'tput', 'clear', 'stty', 'lsof', 'ss', 'netstat', 'ip', 'ping', 'dig',
  'host', 'nslookup', 'curl', 'wget', 'man', 'info', 'help',
  // version control, judged by the subcommand (see git below)
  'git',
]);

/** Interpreters: given code (`-c`, `-e`) or a script file, they run whatever it says. */
const INTERPRETERS = /^(python[0-9.]*|pypy[0-9.]*|node|nodejs|deno|bun|perl[0-9.]*|ruby|php[0-9.]*|lua[0-9.]*|luajit|tclsh|wish|Rscript|R|julia|osascript|pwsh|powershell|java|jshell|scala|kotlin|groovy|elixir|erl|escript|ghc|runghc|guile|racket|sbcl|clisp|ocaml|swift|expect)$/;

/** Git subcommands that are git's own (any other word is an alias from a config file, which can run anything). */
const GIT_SUBCOMMANDS = new Set([
  'add', 'am', 'annotate', 'apply', 'archive', 'bisect', 'blame', 'branch', 'bundle', 'cat-file', 'check-ignore',
  'checkout', 'cherry', 'cherry-pick', 'clean', 'clone', 'commit', 'config', 'count-objects', 'describe', 'diff',
  'diff-files', 'diff-index', 'diff-tree', 'fetch', 'for-each-ref', 'format-patch', 'fsck', 'gc', 'grep', 'hash-object',
  'help', 'init', 'log', 'ls-files', 'ls-remote', 'ls-tree', 'merge', 'merge-base', 'mv', 'name-rev', 'notes', 'pull',
  'push', 'range-diff', 'rebase', 'reflog', 'remote', 'reset', 'restore', 'rev-list', 'rev-parse', 'revert', 'rm',
  'shortlog', 'show', 'show-ref', 'sparse-checkout', 'stash', 'status', 'submodule', 'switch', 'symbolic-ref', 'tag',
  'update-index', 'verify-commit', 'version', 'whatchanged', 'worktree', 'write-tree',
]);
const GIT_VALUE_OPTIONS = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env', '--super-prefix', '--exec-path']);
/** `git -c KEY=…` settings that name a program git then runs. */
const GIT_RUNNING_KEYS = /^(alias\.|core\.(pager|editor|sshcommand|hookspath|fsmonitor|askpass|gitproxy)|sequence\.editor|diff\..*\.(command|textconv)|diff\.external|merge\..*\.driver|filter\.|credential\.|gpg\.|pager\.|uploadpack|receivepack|remote\..*\.(uploadpack|receivepack|proxy)|protocol\.|url\.|include)/i;

/**
 * Why `argv` (one simple command, as the shell analysis found it) may run code tandem cannot see, or undefined
 * when it runs nothing but itself or is a carrier whose inner commands are judged on their own.
 */
export function runsUnseenCode(argv: readonly Arg[]): string | undefined {
  const first = argv[0];
  if (first === undefined || isDynamic(first)) return undefined; // already judged as unknown (dynamic)
  if (unwrapCarrier(argv)) return undefined;
  const name = path.basename(first);
  const args = argv.slice(1);
  if (/^(sh|bash|zsh|dash|ksh|mksh|ash|fish|source|\.)$/.test(name)) return `${name} runs a script file tandem does not read`;
  if (INTERPRETERS.test(name)) return `${name} runs code (a script or a code argument) that tandem cannot see into`;
  if (name === 'git') return gitRunner(args);
  if (name === 'awk' || name === 'gawk' || name === 'mawk' || name === 'nawk') return awkRunner(args);
  if (name === 'sed') return sedRunner(args);
  if (name === 'tar') return tarRunner(args);
  if (INERT.has(name)) return undefined;
  if (first.includes('/')) return `${first} is a program tandem does not know, so it may run any command`;
  return `${name} is not known to be inert: it may run other commands (scripts, hooks, plugins)`;
}

function gitRunner(args: readonly Arg[]): string | undefined {
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (isDynamic(a)) return 'git with options only known at run time may run an alias';
    if (!a.startsWith('-')) break;
    if (a === '-c') {
      const setting = args[i + 1];
      if (setting === undefined || isDynamic(setting) || GIT_RUNNING_KEYS.test(setting)) {
        return `git -c ${typeof setting === 'string' ? setting.split('=')[0] : '…'} can make git run another command`;
      }
    }
    if (a === '--exec-path' || a.startsWith('--exec-path=') || a === '--config-env' || a.startsWith('--config-env=')) {
      return `git ${a.split('=')[0]} can make git run other programs`;
    }
    i += GIT_VALUE_OPTIONS.has(a) ? 2 : 1;
  }
  const sub = args[i];
  if (sub === undefined) return undefined;
  if (isDynamic(sub)) return 'git with a subcommand only known at run time may run an alias';
  if (!GIT_SUBCOMMANDS.has(sub)) return `git ${sub} is not a git command, so it may be an alias, which can run any command`;
  // Options of git's own commands that name a program to run.
  const rest = args.slice(i + 1);
  if (rest.some((a) => typeof a === 'string' && /^--(exec|upload-pack|receive-pack|extcmd|tool|ext-diff)(=|$)|^-x$/.test(a) && sub !== 'grep')) {
    return `git ${sub} with that option runs another program`;
  }
  if ((sub === 'bisect' && rest[0] === 'run') || (sub === 'rebase' && rest.some((a) => a === '--exec' || a === '-x'))
    || (sub === 'submodule' && rest[0] === 'foreach') || sub === 'filter-branch') {
    return `git ${sub} ${typeof rest[0] === 'string' ? rest[0] : ''} runs commands`.replace(/\s+runs/, ' runs');
  }
  return undefined;
}

/** awk programs run commands through system(), `| "cmd"` pipes and `"cmd" | getline`. */
function awkRunner(args: readonly Arg[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (isDynamic(a)) return 'awk with a program only known at run time may run commands';
    if (a === '-f' || a.startsWith('--file')) return 'awk -f runs a program file tandem does not read';
    if (a === '-v' || a === '-F') { i++; continue; }
    if (a.startsWith('-')) continue;
    return /system\s*\(|\|/.test(a) ? 'the awk program runs commands (system() or a pipe)' : undefined;
  }
  return undefined;
}

/** sed's `e` command and `s///e` flag run shell commands; `w FILE` writes. */
function sedRunner(args: readonly Arg[]): string | undefined {
  const scripts: string[] = [];
  let sawScript = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (isDynamic(a)) return 'sed with a script only known at run time may run commands';
    if (a === '-e' || a === '--expression') {
      const s = args[++i];
      if (s === undefined || isDynamic(s)) return 'sed with a script only known at run time may run commands';
      scripts.push(s);
      sawScript = true;
    } else if (a === '-f' || a.startsWith('--file')) {
      return 'sed -f runs a script file tandem does not read (sed scripts can run commands)';
    } else if (!a.startsWith('-') && !sawScript) {
      scripts.push(a);
      sawScript = true;
    }
  }
  // Loose on purpose: any `e` that could be a command or an s-flag counts; a false alarm only asks.
  return scripts.some((s) => /(^|[;{}\n\d$/!,\s])e(\s|$|;)|\/[gpIiMm0-9]*e[gpIiMmw0-9]*(\s|$|;|})/.test(s))
    ? "the sed script runs shell commands (its e command or s///e flag)"
    : undefined;
}

/** tar runs programs given to --to-command, --use-compress-program/-I, --checkpoint-action=exec, --rsh-command. */
function tarRunner(args: readonly Arg[]): string | undefined {
  const running = args.find((a) => isDynamic(a)
    || /^--(to-command|use-compress-program|rsh-command|info-script|new-volume-script)|^--checkpoint-action=exec|^-[A-Za-z]*I/.test(a));
  if (running === undefined) return undefined;
  return isDynamic(running) ? 'tar with options only known at run time may run a program' : `tar ${running.split('=')[0]} runs another program`;
}
