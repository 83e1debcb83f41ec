// Commands that run another command: `sudo CMD`, `env X=1 CMD`, `timeout 5 CMD`, `xargs CMD`, `find -exec CMD ;`,
// `bash -c SCRIPT`, `eval SCRIPT`… and `tee FILE`, which writes files. Pure functions over evaluated words.
import path from 'node:path';
import { type Arg, dynamic, isDynamic } from './shell-words.js';

/** A command found inside another one. */
export interface InnerCommand {
  argv: Arg[];
  /** `NAME=value` words that `env` puts in front of it. */
  assigns: Arg[];
}

/** What a carrier command does besides (or instead of) running itself. */
export interface Carried {
  /** How to name the carrier in messages: `sudo`, `bash -c`, `find -exec`. */
  via: string;
  /** The carrier is itself a command to judge (sudo, find); otherwise only what it carries is. */
  keepOuter: boolean;
  inners: InnerCommand[];
  /** Shell source the carrier runs (`bash -c`, `eval`, `su -c`, `watch`): to be parsed and walked. */
  scripts: Arg[];
  /** Files it writes (`tee FILE`, `time -o FILE`, `find -fprint FILE`); a DynamicArg when unknown. */
  writes: Arg[];
  /** It runs the script on its standard input (`bash`, `sh -s`, `bash <<EOF`). */
  stdinScript?: boolean;
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'yash', 'fish']);

/** The carrier reading of `argv`, or undefined for an ordinary command. */
export function unwrapCarrier(argv: readonly Arg[]): Carried | undefined {
  const first = argv[0];
  if (first === undefined || isDynamic(first)) return undefined;
  const name = path.basename(first);
  const args = argv.slice(1);
  if (SHELLS.has(name)) return shellC(name, args);
  if (name === 'busybox' && typeof args[0] === 'string' && SHELLS.has(args[0])) return shellC(args[0], args.slice(1));
  switch (name) {
    case 'eval':
      return args.length ? carried('eval', { scripts: [joinScript(args)] }) : undefined;
    case 'env':
      return envCarrier(args);
    case 'nohup':
    case 'builtin':
    case 'setsid':
      return replace(name, args, 0, '', []);
    case 'nice':
      return replace(name, args, 0, 'n', ['adjustment']);
    case 'ionice': {
      // -p/-P/-u change running processes instead of starting a command.
      const at = operandIndex(args, 0, 'cnpPu', ['class', 'classdata']);
      if (optionsBefore(args, at.index).some((a) => /^-[^-]*[pPu]/.test(a))) return undefined;
      return replace(name, args, 0, 'cnpPu', ['class', 'classdata']);
    }
    case 'stdbuf':
      return replace(name, args, 0, 'ioe', ['input', 'output', 'error']);
    case 'timeout': {
      const at = operandIndex(args, 0, 'ks', ['kill-after', 'signal']);
      return at.dynamic ? unknownInner('timeout', args, at.index) : replace('timeout', args, at.index + 1, '', []);
    }
    case 'time':
      return timeCarrier(args);
    case 'command': {
      // `command -v NAME` only looks NAME up.
      const at = operandIndex(args, 0, '', []);
      if (optionsBefore(args, at.index).some((a) => /^-[^-]*[vV]/.test(a))) return undefined;
      return replace('command', args, 0, '', []);
    }
    case 'exec': {
      const at = operandIndex(args, 0, 'a', []);
      if (!at.dynamic && at.index >= args.length) return carried('exec', {}); // only redirections
      return replace('exec', args, 0, 'a', []);
    }
    case 'xargs':
      return xargsCarrier(args);
    case 'find':
      return findCarrier(args);
    case 'sudo':
      return sudoCarrier(args);
    case 'doas': {
      const at = operandIndex(args, 0, 'uC', []);
      return nested('doas', args, at);
    }
    case 'su':
      return suCarrier(args);
    case 'watch':
      return watchCarrier(args);
    case 'tee':
      return teeCarrier(args);
    case 'trap':
      return trapCarrier(args);
    case 'flock':
      return flockCarrier(args);
    case 'chrt': {
      if (args.some((a) => typeof a === 'string' && /^-[a-zA-Z]*p|^--pid$/.test(a))) return undefined; // changes a running process
      const at = operandIndex(args, 0, 'TPD', ['sched-runtime', 'sched-period', 'sched-deadline']);
      return at.dynamic ? unknownInner('chrt', args, at.index) : replace('chrt', args, at.index + 1, '', []);
    }
    case 'taskset': {
      if (args.some((a) => typeof a === 'string' && /^-[a-zA-Z]*p|^--pid$/.test(a))) return undefined;
      const at = operandIndex(args, 0, '', []);
      return at.dynamic ? unknownInner('taskset', args, at.index) : replace('taskset', args, at.index + 1, '', []);
    }
    case 'chroot': {
      const at = operandIndex(args, 0, '', ['userspec', 'groups']);
      if (at.dynamic) return unknownInner('chroot', args, at.index);
      return args.length > at.index + 1 ? replace('chroot', args, at.index + 1, '', []) : carried('chroot', { stdinScript: true });
    }
    case 'script':
      return scriptCarrier(args);
    case 'runuser':
    case 'sg':
      return suCarrier(args) ?? (name === 'runuser' ? replace(name, args, 0, 'ugl', ['user', 'group', 'supp-group']) : undefined);
    case 'npx':
      return callCarrier('npx -c', args, 0);
    case 'npm':
      return args[0] === 'exec' || args[0] === 'x' ? callCarrier('npm exec -c', args, 1) : undefined;
    case 'unbuffer':
    case 'caffeinate':
      return replace(name, args, 0, 'tw', []);
    case 'strace':
    case 'ltrace':
      return replace(name, args, 0, 'eopsuEabIOSXP', ['output']);
    case 'xvfb-run':
      return replace(name, args, 0, 'nsfepw', ['server-num', 'server-args', 'auth-file', 'error-file', 'xauth-protocol', 'wait']);
    case 'git':
      return gitAliasCarrier(args);
    default:
      return undefined;
  }
}

function carried(via: string, parts: Partial<Carried>): Carried {
  return { via, keepOuter: false, inners: [], scripts: [], writes: [], ...parts };
}

/** A transparent wrapper: only the command after its options counts. */
function replace(via: string, args: Arg[], start: number, short: string, long: string[]): Carried {
  const at = operandIndex(args, start, short, long);
  if (at.dynamic) return unknownInner(via, args, at.index);
  const inner = args.slice(at.index);
  return inner.length ? carried(via, { inners: [{ argv: inner, assigns: [] }] }) : carried(via, { keepOuter: true });
}

/** Options could not be told apart from the command (a dynamic word): judge the rest as an unknown command. */
function unknownInner(via: string, args: Arg[], from: number): Carried {
  const rest = args.slice(from);
  return carried(via, { inners: [{ argv: rest.length ? rest : [dynamic('…')], assigns: [] }] });
}

/** The sudo-like carriers: they are judged themselves, and so is the command they run. */
function nested(via: string, args: Arg[], at: { index: number; dynamic: boolean }): Carried {
  const inner = args.slice(at.index);
  const inners = at.dynamic || inner.length ? [{ argv: inner.length ? inner : [dynamic('…')], assigns: [] }] : [];
  return carried(via, { keepOuter: true, inners });
}

/**
 * Skips GNU-style options from `start`: `short` lists the letters that take a value, `long` the long options
 * that do. Returns the index of the first operand; `dynamic` when a word there is not known statically.
 */
function operandIndex(args: readonly Arg[], start: number, short: string, long: string[]): { index: number; dynamic: boolean } {
  let i = start;
  while (i < args.length) {
    const a = args[i];
    if (isDynamic(a)) return { index: i, dynamic: true };
    if (a === '--') return { index: i + 1, dynamic: false };
    if (!a.startsWith('-') || a === '-') return { index: i, dynamic: false };
    if (a.startsWith('--')) {
      if (!a.includes('=') && long.includes(a.slice(2))) i++;
      i++;
      continue;
    }
    for (let k = 1; k < a.length; k++) {
      if (short.includes(a[k])) {
        if (k === a.length - 1) i++;
        break;
      }
    }
    i++;
  }
  return { index: args.length, dynamic: false };
}

/** The static option words before index `end`. */
function optionsBefore(args: readonly Arg[], end: number): string[] {
  return args.slice(0, end).filter((a): a is string => typeof a === 'string' && a.startsWith('-'));
}

function joinScript(args: readonly Arg[]): Arg {
  return args.every((a) => !isDynamic(a)) ? args.join(' ') : dynamic(args.map((a) => (isDynamic(a) ? a.text : a)).join(' '));
}

/** `bash [options] -c SCRIPT [name args…]`, or `bash [-s]` running its input; `bash file.sh` is an ordinary command. */
function shellC(name: string, args: Arg[]): Carried | undefined {
  if (args.some((a) => a === '--version' || a === '--help')) return undefined;
  const fromStdin = carried(name, { stdinScript: true });
  let commandMode = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (isDynamic(a)) return commandMode ? carried(`${name} -c`, { scripts: [a] }) : unknownInner(name, args, i);
    if (a === '--') {
      if (!commandMode) return i + 1 < args.length ? undefined : fromStdin;
      return i + 1 < args.length ? carried(`${name} -c`, { scripts: [args[i + 1]] }) : undefined;
    }
    if (a === '-o' || a === '+o' || a === '-O' || a === '+O' || a === '--rcfile' || a === '--init-file') {
      i++;
      continue;
    }
    if (a.startsWith('--')) continue;
    if ((a.startsWith('-') || a.startsWith('+')) && a.length > 1) {
      if (a.startsWith('-') && a.includes('c')) commandMode = true;
      else if (a.startsWith('-') && a.includes('s')) return fromStdin; // the rest are positional parameters
      continue;
    }
    return commandMode ? carried(`${name} -c`, { scripts: [a] }) : undefined;
  }
  return commandMode ? undefined : fromStdin;
}

/** `env [-i] [-u NAME] [-C DIR] [NAME=VALUE]… [CMD [ARG]…]`; `-S STRING` is not followed (unknown command). */
function envCarrier(args: Arg[]): Carried {
  const assigns: string[] = [];
  let i = 0;
  while (i < args.length) {
    const a = args[i];
    if (isDynamic(a)) return unknownInner('env', args, i);
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-S' || a.startsWith('--split-string') || (/^-[^-]/.test(a) && a.includes('S'))) {
      return unknownInner('env', args, i);
    }
    if (a === '-u' || a === '-C' || a === '--unset' || a === '--chdir') {
      i += 2;
      continue;
    }
    if (a.startsWith('-') && a !== '-') {
      i++;
      continue;
    }
    break;
  }
  while (i < args.length) {
    const a = args[i];
    if (isDynamic(a)) {
      if (a.text.includes('=')) return unknownInner('env', args, i);
      break;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) break;
    assigns.push(a);
    i++;
  }
  const inner = args.slice(i);
  if (!inner.length) return carried('env', { keepOuter: true });
  return carried('env', { inners: [{ argv: inner, assigns }] });
}

/** The `time` program (the bash keyword is parsed as syntax): `-o FILE` writes a file. */
function timeCarrier(args: Arg[]): Carried {
  const writes: Arg[] = [];
  args.forEach((a, i) => {
    if (a === '-o' || a === '--output') writes.push(args[i + 1] ?? dynamic('…'));
    else if (typeof a === 'string' && a.startsWith('--output=')) writes.push(a.slice('--output='.length));
  });
  return { ...replace('time', args, 0, 'fo', ['format', 'output']), writes };
}

/** `xargs [options] [CMD [ARG]…]`: CMD gets more arguments from stdin, so it is judged as open-ended. */
function xargsCarrier(args: Arg[]): Carried {
  const at = operandIndex(args, 0, 'aEILnPsd', ['arg-file', 'delimiter', 'eof', 'max-args', 'max-procs', 'max-chars', 'process-slot-var']);
  if (at.dynamic) return unknownInner('xargs', args, at.index);
  const inner = args.slice(at.index);
  const argv = inner.length ? inner : ['echo'];
  return carried('xargs', { inners: [{ argv: [...argv, dynamic('<arguments from stdin>')], assigns: [] }] });
}

/** `find … -exec CMD ;` and friends; `-fprint FILE` and `-delete` change files. */
function findCarrier(args: Arg[]): Carried | undefined {
  const inners: InnerCommand[] = [];
  const writes: Arg[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-exec' || a === '-execdir' || a === '-ok' || a === '-okdir') {
      const argv: Arg[] = [];
      for (i++; i < args.length && args[i] !== ';' && args[i] !== '+'; i++) argv.push(args[i]);
      inners.push({ argv: argv.length ? argv : [dynamic('…')], assigns: [] });
    } else if (a === '-fprint' || a === '-fprint0' || a === '-fls' || a === '-fprintf') {
      writes.push(args[++i] ?? dynamic('…'));
    } else if (a === '-delete') {
      writes.push(dynamic('files matched by find -delete'));
    }
  }
  if (!inners.length && !writes.length) return undefined;
  return carried('find -exec', { keepOuter: true, inners, writes });
}

/**
 * `sudo [options] CMD`: both sudo's line and the command it runs must be allowed. `sudo -e FILE…` (sudoedit)
 * writes its operands instead. Other options that run nothing are not special-cased: judging their operands
 * as a command can only ask more.
 */
function sudoCarrier(args: Arg[]): Carried {
  const long = ['close-from', 'chdir', 'group', 'host', 'prompt', 'chroot', 'role', 'type', 'command-timeout', 'other-user', 'user'];
  const at = operandIndex(args, 0, 'CDghpRrTtUu', long);
  if (!at.dynamic && optionsBefore(args, at.index).some((a) => a === '--edit' || a === '-e')) {
    return carried('sudo', { keepOuter: true, writes: args.slice(at.index) });
  }
  return nested('sudo', args, at);
}

/** `su [options] [user] -c CMD`. */
function suCarrier(args: Arg[]): Carried | undefined {
  const scripts: Arg[] = [];
  args.forEach((a, i) => {
    if (a === '-c' || a === '--command') scripts.push(args[i + 1] ?? dynamic('…'));
    else if (typeof a === 'string' && a.startsWith('--command=')) scripts.push(a.slice('--command='.length));
  });
  return scripts.length ? carried('su -c', { keepOuter: true, scripts }) : undefined;
}

/** `watch [options] CMD…` runs `sh -c "CMD…"` again and again (`-x`: exec the words directly). */
function watchCarrier(args: Arg[]): Carried | undefined {
  const at = operandIndex(args, 0, 'nq', ['interval']);
  if (at.dynamic) return unknownInner('watch', args, at.index);
  const rest = args.slice(at.index);
  if (!rest.length) return undefined;
  const exec = args.slice(0, at.index).some((a) => a === '-x' || a === '--exec');
  return exec ? carried('watch', { inners: [{ argv: rest, assigns: [] }] }) : carried('watch', { scripts: [joinScript(rest)] });
}

/** `tee [-a] FILE…` only writes the files it names; it needs no command rule of its own. */
function teeCarrier(args: Arg[]): Carried {
  const end = args.indexOf('--');
  const writes = args.filter((a, i) => isDynamic(a) || (end >= 0 && i > end) || (i !== end && (!a.startsWith('-') || a === '-')));
  return carried('tee', { writes });
}

/** `trap 'CMD' SIGNAL…` runs CMD later, in this shell. */
function trapCarrier(args: Arg[]): Carried | undefined {
  const [first] = args;
  if (first === undefined || first === '-' || first === '-l' || first === '-p' || first === '--' || args.length < 2) return undefined;
  return carried('trap', { scripts: [first] });
}

/** `flock [options] FILE CMD…` or `flock [options] FILE -c CMD`; `flock FD` only locks. */
function flockCarrier(args: Arg[]): Carried | undefined {
  const c = args.findIndex((a) => a === '-c' || a === '--command');
  if (c >= 0) return carried('flock -c', { scripts: [args[c + 1] ?? dynamic('…')] });
  const at = operandIndex(args, 0, 'wE', ['timeout', 'wait', 'conflict-exit-code']);
  if (at.dynamic) return unknownInner('flock', args, at.index);
  const inner = args.slice(at.index + 1);
  return inner.length ? carried('flock', { inners: [{ argv: inner, assigns: [] }] }) : undefined;
}

/** `script [options] -c CMD [file]` runs CMD in a new terminal; without -c, an interactive shell on its input. */
function scriptCarrier(args: Arg[]): Carried {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (isDynamic(a)) return unknownInner('script', args, i);
    if (a === '--command') return carried('script -c', { scripts: [args[i + 1] ?? dynamic('…')] });
    if (a.startsWith('--command=')) return carried('script -c', { scripts: [a.slice('--command='.length)] });
    const short = /^-([a-zA-Z]*)c(.*)$/.exec(a);
    if (short && !a.startsWith('--')) return carried('script -c', { scripts: [short[2] ? short[2] : args[i + 1] ?? dynamic('…')] });
  }
  return carried('script', { stdinScript: true });
}

/** `npx -c CMD`, `npm exec -c CMD` (`--call`): a shell command run with the package's binaries on PATH. */
function callCarrier(via: string, args: Arg[], from: number): Carried | undefined {
  for (let i = from; i < args.length; i++) {
    const a = args[i];
    if (isDynamic(a)) return unknownInner(via.split(' -c')[0]!, args, i);
    if (a === '-c' || a === '--call') return carried(via, { scripts: [args[i + 1] ?? dynamic('…')] });
    if (a.startsWith('--call=')) return carried(via, { scripts: [a.slice('--call='.length)] });
    if (a === '--') break;
  }
  return undefined;
}

/**
 * `git -c alias.NAME=VALUE … NAME ARGS`: the alias is visible, so git is judged as what it expands to
 * (`!CMD` aliases run CMD in a shell). Aliases from config files are not visible: code-runners.ts.
 */
function gitAliasCarrier(args: Arg[]): Carried | undefined {
  const aliases = new Map<string, string>();
  let i = 0;
  const options: Arg[] = [];
  while (i < args.length) {
    const a = args[i];
    if (isDynamic(a) || !a.startsWith('-')) break;
    if (a === '-c') {
      const setting = args[i + 1];
      const m = typeof setting === 'string' ? /^alias\.([^=]+)=(.*)$/is.exec(setting) : null;
      if (m) aliases.set(m[1]!.toLowerCase(), m[2]!);
      else options.push(a, ...(setting === undefined ? [] : [setting]));
      i += 2;
      continue;
    }
    const takesValue = ['-C', '--git-dir', '--work-tree', '--namespace', '--config-env', '--super-prefix', '--exec-path'].includes(a);
    options.push(a, ...(takesValue && args[i + 1] !== undefined ? [args[i + 1]!] : []));
    i += takesValue ? 2 : 1;
  }
  const sub = args[i];
  if (!aliases.size || typeof sub !== 'string') return undefined;
  const value = aliases.get(sub.toLowerCase());
  if (value === undefined) return undefined;
  const rest = args.slice(i + 1);
  if (value.startsWith('!')) return carried('git alias', { scripts: [joinScript([value.slice(1), ...rest])] });
  const words = value.trim().split(/\s+/).filter(Boolean);
  return carried('git alias', { inners: [{ argv: ['git', ...options, ...words, ...rest], assigns: [] }] });
}
