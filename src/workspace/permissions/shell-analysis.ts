// Parses a shell command and lists what it would do: every simple command it runs (through &&, ||, ;, pipes,
// subshells, $( ), backquotes, <( ), control flow, function bodies, and carriers like `bash -c` or `sudo`)
// and every file a redirection or `tee` writes or reads. Never runs anything; values known only at run time
// stay dynamic so the decision can ask instead of guessing.
import path from 'node:path';
import { unwrapCarrier } from './carriers.js';
import { runsUnseenCode } from './code-runners.js';
import { type ShNode, type ShellParser, ShellSyntaxError, loadShellParser } from './shell-parser.js';
import { type Arg, Source, argvText, dynamic, isDynamic, wordValue } from './shell-words.js';

/** A simple command: its words after quote removal, and the `NAME=value` assignments in front of it. */
export interface CommandPart {
  kind: 'command';
  argv: Arg[];
  assigns: Arg[];
  text: string;
  /** The carrier it was found inside (`bash -c`, `sudo`, `xargs`…). */
  via?: string;
  /** Why it could not be read fully, when it could not. */
  note?: string;
  /** Why it may run code tandem cannot see (an interpreter, a build tool, an unknown program): code-runners.ts. */
  runsCode?: string;
}

/** A file a redirection, `tee` or similar writes or reads. `path` is absolute, or missing when unknown. */
export interface FilePart {
  kind: 'write' | 'read';
  target: Arg;
  path?: string;
  text: string;
  via: string;
}

export type ShellPart = CommandPart | FilePart;

/** Contract: `ok: false` only when the command itself does not parse; nested scripts that don't are parts. */
export type ShellAnalysis = { ok: true; parts: ShellPart[] } | { ok: false; error: string };

export interface AnalysisContext {
  /** Absolute directory the command starts in. */
  cwd: string;
  home: string;
}

/** Device files that are not files anyone keeps: writing to them is no file write. */
const SAFE_DEVICES = /^\/dev\/(null|zero|full|random|urandom|tty|stdin|stdout|stderr|fd\/\d+)$/;
/** Variables whose value changes what later commands run or where: assigning one is a command of its own. */
const RISKY_VARIABLES =
  /^(PATH|CDPATH|IFS|ENV|BASH_ENV|BASH_\w+|PS[0-4]|PROMPT_COMMAND|SHELLOPTS|BASHOPTS|GLOBIGNORE|LD_\w+|DYLD_\w+|NODE_OPTIONS|PYTHONPATH|PYTHONSTARTUP|PERL5OPT|PERL5LIB|RUBYOPT|GIT_\w+|EDITOR|VISUAL|PAGER|SSH_ASKPASS|SUDO_ASKPASS)$/;
const MAX_DEPTH = 8;

/**
 * Parses `command` as bash and lists its parts. A plain command (one simple command of ordinary words) is read
 * without the parser, whose first load costs ~0.2 s and ~27 MB; anything else loads it on first use.
 */
export async function analyzeCommand(command: string, ctx: AnalysisContext): Promise<ShellAnalysis> {
  const plain = plainCommand(command);
  if (plain) return { ok: true, parts: [plain] };
  return analyzeWith(await loadShellParser(), command, ctx);
}

/** Characters that mean nothing special to bash anywhere in a word (no quotes, expansions, operators, globs). */
const PLAIN = /^[A-Za-z0-9_./:@%+,=-]+(?:[ \t]+[A-Za-z0-9_./:@%+,=-]+)*$/;
const RESERVED = new Set([
  'if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', 'select',
  'time', 'coproc', 'in',
]);

/**
 * The command as its one simple command when it is made of plain words only and runs no other command: the
 * same part the parser's walk would give. Undefined when the parser must decide.
 */
export function plainCommand(command: string): CommandPart | undefined {
  const trimmed = command.trim();
  if (!PLAIN.test(trimmed)) return undefined;
  const argv = trimmed.split(/[ \t]+/);
  const name = argv[0]!;
  if (name.includes('=') || RESERVED.has(name) || unwrapCarrier(argv)) return undefined;
  const runsCode = runsUnseenCode(argv);
  return { kind: 'command', argv, assigns: [], text: argvText(argv), ...(runsCode ? { runsCode } : {}) };
}

export function analyzeWith(sh: ShellParser, command: string, ctx: AnalysisContext): ShellAnalysis {
  const parts: ShellPart[] = [];
  let walker: Walker;
  try {
    walker = new Walker(sh, command, ctx.home, parts, 0, undefined);
  } catch (err) {
    if (err instanceof ShellSyntaxError) return { ok: false, error: err.message };
    throw err;
  }
  walker.run({ cwd: path.resolve(ctx.cwd) });
  return { ok: true, parts };
}

/** What the walk knows about the shell at a point: the working directory, null once it cannot be known. */
interface State {
  cwd: string | null;
}

class Walker {
  private readonly src: Source;
  private readonly root: ShNode;

  constructor(
    private readonly sh: ShellParser,
    text: string,
    private readonly home: string,
    private readonly parts: ShellPart[],
    private readonly depth: number,
    private readonly via: string | undefined,
  ) {
    this.src = new Source(text);
    this.root = sh.parse(text);
  }

  run(st: State): void {
    this.stmts(this.root.Stmts, st);
  }

  private stmts(list: ShNode[], st: State): void {
    for (const s of list) this.stmt(s, st);
  }

  private stmt(s: ShNode, st: State): void {
    // Redirections are opened before the command runs, so they resolve against the directory before it.
    const files: FilePart[] = [];
    for (const r of s.Redirs as ShNode[]) this.redirect(r, st, files);
    if (s.Cmd && this.sh.nodeType(s.Cmd) === 'CallExpr') this.call(s.Cmd, st, this.stdinOf(s.Redirs));
    else if (s.Cmd) this.command(s.Cmd, st);
    this.parts.push(...files);
  }

  /** What a command reads on its standard input, when a here-document or here-string says so statically. */
  private stdinOf(redirs: ShNode[]): Arg | undefined {
    let stdin: Arg | undefined;
    for (const r of redirs) {
      const op = this.sh.redirectOp(r.Op);
      if (op === '<' || op === '<&' || op === '<>') stdin = dynamic(this.src.of(r));
      else if (op === '<<<') {
        const value = wordValue(this.sh, r.Word, this.src, this.home).arg;
        stdin = isDynamic(value) ? value : `${value}\n`;
      } else if ((op === '<<' || op === '<<-') && r.Hdoc) {
        const quoted = (r.Word.Parts as ShNode[]).some((p) => this.sh.nodeType(p) !== 'Lit' || p.Value.includes('\\'));
        const parts = r.Hdoc.Parts as ShNode[];
        const literal = parts.every((p) => this.sh.nodeType(p) === 'Lit' && (quoted || !p.Value.includes('\\')));
        stdin = literal ? parts.map((p) => p.Value as string).join('') : dynamic(this.src.of(r));
      }
    }
    return stdin;
  }

  private command(cmd: ShNode, st: State): void {
    const type = this.sh.nodeType(cmd);
    switch (type) {
      case 'CallExpr':
        return this.call(cmd, st, undefined);
      case 'BinaryCmd':
        return this.binary(cmd, st);
      case 'Subshell':
        return this.stmts(cmd.Stmts, { ...st });
      case 'Block':
        return this.stmts(cmd.Stmts, st);
      case 'TimeClause':
        if (cmd.Stmt) this.stmt(cmd.Stmt, st);
        return;
      case 'CoprocClause':
        if (cmd.Name) this.scan(cmd.Name, st);
        return this.stmt(cmd.Stmt, { ...st });
      case 'IfClause':
      case 'WhileClause':
      case 'ForClause':
      case 'CaseClause':
        return this.compound(type, cmd, st);
      case 'FuncDecl': {
        // The body runs when called, from wherever the shell then is.
        const changesDir = this.mentionsDirChange(cmd.Body);
        this.stmt(cmd.Body, { cwd: changesDir ? null : st.cwd });
        if (changesDir) st.cwd = null;
        return;
      }
      case 'DeclClause':
        for (const a of cmd.Args as ShNode[]) this.assignment(a, st);
        return;
      case 'TestClause':
      case 'ArithmCmd':
      case 'LetClause':
        return this.scan(cmd, st);
      default:
        this.opaque(this.src.of(cmd), `unsupported shell construct ${type}`);
    }
  }

  /** `&&` and `||` run their right side only sometimes; pipes run each side in a subshell. */
  private binary(cmd: ShNode, st: State): void {
    const op = this.sh.binaryOp(cmd.Op);
    if (op === '|' || op === '|&') {
      this.stmt(cmd.X, { ...st });
      this.stmt(cmd.Y, { ...st });
      return;
    }
    const before = st.cwd;
    this.stmt(cmd.X, st);
    if (op === '||' && st.cwd !== before) st.cwd = null;
    this.stmt(cmd.Y, st);
    if (st.cwd !== before) st.cwd = null;
  }

  /** if / while / until / for / select / case: bodies may run zero or many times. */
  private compound(type: string, cmd: ShNode, st: State): void {
    if (this.mentionsDirChange(cmd)) st.cwd = null;
    if (type === 'IfClause') {
      for (let c: ShNode | null = cmd; c; c = c.Else) {
        this.stmts(c.Cond, st);
        this.stmts(c.Then, st);
      }
    } else if (type === 'WhileClause') {
      this.stmts(cmd.Cond, st);
      this.stmts(cmd.Do, st);
    } else if (type === 'ForClause') {
      this.scan(cmd.Loop, st);
      this.stmts(cmd.Do, st);
    } else {
      this.scan(cmd.Word, st);
      for (const item of cmd.Items as ShNode[]) {
        for (const p of item.Patterns as ShNode[]) this.scan(p, st);
        this.stmts(item.Stmts, st);
      }
    }
  }

  private call(cmd: ShNode, st: State, stdin: Arg | undefined): void {
    const words = cmd.Args as ShNode[];
    const assigns = cmd.Assigns as ShNode[];
    if (!words.length) {
      for (const a of assigns) this.assignment(a, st);
      return;
    }
    for (const a of assigns) this.scan(a, st);
    for (const w of words) this.scan(w, st);
    // A word bash may expand to file names (`/usr/bin/gi?`) is only known when it runs.
    const argv = words.map((w) => {
      const value = wordValue(this.sh, w, this.src, this.home);
      return value.glob ? dynamic(this.src.of(w)) : value.arg;
    });
    this.simple(argv, assigns.map((a) => this.assignValue(a)), this.src.of(cmd), st, this.via, true, this.depth, stdin);
  }

  /** A bare assignment (`X=1`, `export X=1`) runs nothing, unless it sets a variable that steers later commands. */
  private assignment(a: ShNode, st: State): void {
    this.scan(a, st);
    const name: string | undefined = a.Name?.Value;
    if (name && RISKY_VARIABLES.test(name)) {
      this.opaque(this.src.of(a), `setting ${name} changes what later commands do`);
      st.cwd = null;
    }
  }

  private assignValue(a: ShNode): Arg {
    if (a.Array || a.Index || !a.Name) return dynamic(this.src.of(a));
    const value = a.Value ? wordValue(this.sh, a.Value, this.src, this.home).arg : '';
    return isDynamic(value) ? dynamic(this.src.of(a)) : `${a.Name.Value}${a.Append ? '+=' : '='}${value}`;
  }

  /**
   * A simple command with evaluated words. Carriers add the commands, scripts and files they carry;
   * `inShell` is true when it runs in this shell (so `cd`, `source` and `eval` change its state); `stdin` is
   * its input when a here-document gives it (a shell runs it as a script).
   */
  private simple(
    argv: Arg[], assigns: Arg[], text: string, st: State, via: string | undefined, inShell: boolean, depth: number, stdin?: Arg,
  ): void {
    if (depth > MAX_DEPTH) {
      this.opaque(text, 'nested too deeply to follow', via);
      return;
    }
    const name = argv[0];
    const carried = unwrapCarrier(argv);
    if (!carried || carried.keepOuter) {
      const runsCode = carried ? undefined : runsUnseenCode(argv);
      this.push({ kind: 'command', argv, assigns, text, via, ...(runsCode ? { runsCode } : {}) });
    }
    if (inShell && typeof name === 'string') this.trackDirectory(name, argv.slice(1), st);
    if (!carried) return;
    for (const w of carried.writes) {
      const part = this.fileAccess('write', w, st, `${carried.via} ${typeof w === 'string' ? w : w.text}`, carried.via);
      if (part) this.push(part);
    }
    const sameShell = inShell && ['command', 'builtin', 'exec', 'eval', 'trap'].includes(carried.via);
    for (const inner of carried.inners) {
      this.simple(inner.argv, [...assigns, ...inner.assigns], argvText(inner.argv), st, carried.via, sameShell, depth + 1, stdin);
    }
    for (const script of carried.scripts) this.script(script, carried.via, sameShell ? st : { ...st }, depth + 1);
    if (carried.stdinScript) {
      this.script(stdin ?? dynamic('<script from standard input>'), `${carried.via} (script on stdin)`, { ...st }, depth + 1);
    }
    if (carried.via === 'trap' && inShell) st.cwd = null;
  }

  /** `cd DIR`, `pushd DIR`, `popd`, `source FILE` change (or may change) the working directory. */
  private trackDirectory(name: string, args: Arg[], st: State): void {
    if (name === 'popd' || name === 'source' || name === '.') {
      st.cwd = null;
      return;
    }
    if (name !== 'cd' && name !== 'pushd') return;
    const operands = args.filter((a) => isDynamic(a) || !/^-[LPe@]+$/.test(a));
    const target = operands[0] ?? this.home;
    if (isDynamic(target) || target === '-' || target.startsWith('+') || operands.length > 1) st.cwd = null;
    else if (path.isAbsolute(target)) st.cwd = path.resolve(target);
    else st.cwd = st.cwd === null ? null : path.resolve(st.cwd, target);
  }

  /** Shell source run by a carrier: parsed and walked like the top level. */
  private script(script: Arg, via: string, st: State, depth: number): void {
    const text = typeof script === 'string' ? script : script.text;
    if (isDynamic(script) || depth > MAX_DEPTH) {
      const note = isDynamic(script) ? 'the script is only known at run time' : 'nested too deeply to follow';
      this.opaque(text, note, via);
      return;
    }
    let walker: Walker;
    try {
      walker = new Walker(this.sh, script, this.home, this.parts, depth, via);
    } catch (err) {
      if (!(err instanceof ShellSyntaxError)) throw err;
      this.opaque(text, `its script does not parse (${err.message})`, via);
      return;
    }
    walker.run(st);
  }

  private redirect(r: ShNode, st: State, out: FilePart[]): void {
    if (r.Word) this.scan(r.Word, st);
    if (r.Hdoc) this.scan(r.Hdoc, st);
    const op = this.sh.redirectOp(r.Op);
    if (op === '<<' || op === '<<-' || op === '<<<' || !r.Word) return;
    const value = wordValue(this.sh, r.Word, this.src, this.home);
    if (value.procSubst) return;
    const target = value.glob ? dynamic(this.src.of(r.Word)) : value.arg;
    if ((op === '>&' || op === '<&') && typeof target === 'string' && /^(\d+-?|-)$/.test(target)) return;
    const kind = op === '<' || op === '<&' ? 'read' : 'write';
    const part = this.fileAccess(kind, target, st, this.src.of(r), 'redirect');
    if (part) out.push(part);
  }

  private fileAccess(kind: 'read' | 'write', target: Arg, st: State, text: string, via: string): FilePart | undefined {
    const fullVia = this.via ? `${this.via} ${via}` : via;
    if (isDynamic(target) || target === '') return { kind, target, text, via: fullVia };
    const abs = path.isAbsolute(target) ? path.resolve(target) : st.cwd === null ? undefined : path.resolve(st.cwd, target);
    if (abs && SAFE_DEVICES.test(abs)) return undefined;
    return { kind, target, path: abs, text, via: fullVia };
  }

  /** Walks words and expressions for $( ), backquotes and <( ), whose commands run in subshells. */
  private scan(node: ShNode, st: State): void {
    this.sh.walk(node, (n) => {
      const type = this.sh.nodeType(n);
      if (type === 'CmdSubst' || type === 'ProcSubst') {
        this.stmts(n.Stmts, { ...st });
        return false;
      }
      return true;
    });
  }

  /** Whether a construct may change directory (cd, pushd, popd, source, eval'd text mentioning them). */
  private mentionsDirChange(node: ShNode): boolean {
    let found = false;
    this.sh.walk(node, (n) => {
      const type = this.sh.nodeType(n);
      if ((type === 'Lit' || type === 'SglQuoted') && /(^|[^\w-])(cd|pushd|popd|source)([^\w-]|$)/.test(n.Value)) found = true;
      if (type === 'CallExpr' && n.Args.length && this.src.of(n.Args[0]) === '.') found = true;
      return !found;
    });
    return found;
  }

  /** A command whose words cannot be read (`note` says why): judged as one unknown command. */
  private opaque(text: string, note: string, via?: string): void {
    this.push({ kind: 'command', argv: [dynamic(text)], assigns: [], text, via, note });
  }

  private push(part: ShellPart): void {
    this.parts.push(part.kind === 'command' && !part.via && this.via ? { ...part, via: this.via } : part);
  }
}
