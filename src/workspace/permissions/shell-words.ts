// What a shell word turns into before the command runs, as far as it can be known without running anything:
// quotes and escapes removed, `~` expanded; anything produced at run time ($X, $(…), globs of paths) is dynamic.
import type { ShNode, ShellParser } from './shell-parser.js';

/** A word whose value is only known at run time; `text` is its source, for messages. */
export interface DynamicArg {
  dynamic: true;
  text: string;
}

/** A command-line word: its literal value, or a DynamicArg. */
export type Arg = string | DynamicArg;

export const isDynamic = (arg: Arg): arg is DynamicArg => typeof arg !== 'string';
export const dynamic = (text: string): DynamicArg => ({ dynamic: true, text });

/** The pieces of a word the walker needs besides its value. */
export interface WordValue {
  arg: Arg;
  /** Has unquoted glob characters (`*`, `?`, `[…]`): bash may expand it to file names. */
  glob: boolean;
  /** The word is exactly one process substitution (`>(cmd)`): a pipe, not a file. */
  procSubst: boolean;
}

/** The source text of a parsed script, for quoting nodes back in messages. */
export class Source {
  private readonly bytes: Buffer;
  constructor(readonly text: string) {
    this.bytes = Buffer.from(text, 'utf8');
  }
  of(node: ShNode): string {
    return this.bytes.subarray(node.Pos().Offset(), node.End().Offset()).toString('utf8');
  }
}

/** Evaluates a syntax.Word statically. `home` expands a leading unquoted `~` or `~/`. */
export function wordValue(sh: ShellParser, word: ShNode, src: Source, home: string): WordValue {
  const parts: ShNode[] = word.Parts;
  let value = '';
  let isDyn = false;
  let glob = false;
  parts.forEach((part, i) => {
    switch (sh.nodeType(part)) {
      case 'Lit': {
        let lit: string = part.Value;
        if (i === 0 && (lit === '~' || lit.startsWith('~/'))) lit = home + lit.slice(1);
        else if (i === 0 && lit.startsWith('~')) isDyn = true; // ~user, ~+, ~-
        if (/(^|[^\\])([*?]|\[[^\]]*\])/.test(lit)) glob = true;
        if (hasBraceExpansion(lit)) isDyn = true;
        value += unescapeUnquoted(lit);
        break;
      }
      case 'SglQuoted':
        if (!part.Dollar) value += part.Value;
        else {
          const decoded = decodeAnsiC(part.Value);
          if (decoded === undefined) isDyn = true;
          else value += decoded;
        }
        break;
      case 'DblQuoted':
        for (const inner of part.Parts as ShNode[]) {
          if (sh.nodeType(inner) === 'Lit') value += unescapeDoubleQuoted(inner.Value);
          else isDyn = true;
        }
        break;
      default: // ParamExp, CmdSubst, ArithmExp, ProcSubst, ExtGlob, BraceExp
        isDyn = true;
    }
  });
  const procSubst = parts.length === 1 && sh.nodeType(parts[0]) === 'ProcSubst';
  return { arg: isDyn ? dynamic(src.of(word)) : value, glob, procSubst };
}

/** `{a,b}` and `{1..3}` outside quotes expand into several words. */
function hasBraceExpansion(lit: string): boolean {
  return /(^|[^\\])\{[^{}]*(,|\.\.)[^{}]*\}/.test(lit);
}

/** Outside quotes a backslash keeps the next character literally (line continuations are gone already). */
function unescapeUnquoted(lit: string): string {
  return lit.replace(/\\(.)/gs, '$1');
}

/** Inside double quotes a backslash escapes only `$`, backquote, `"`, `\` and newline. */
function unescapeDoubleQuoted(lit: string): string {
  return lit.replace(/\\([$`"\\\n])/g, (_, c: string) => (c === '\n' ? '' : c));
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** Decodes the body of a `$'…'` string as bash does; undefined when an escape is beyond this decoder. */
function decodeAnsiC(body: string): string | undefined {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[++i];
    if (next === undefined) return out + '\\';
    if (next in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[next];
      continue;
    }
    const number = (re: RegExp, radix: number) => {
      const m = re.exec(body.slice(i + 1));
      if (!m) return false;
      out += String.fromCodePoint(parseInt(m[0], radix));
      i += m[0].length;
      return true;
    };
    if (/[0-7]/.test(next)) {
      i--;
      if (!number(/^[0-7]{1,3}/, 8)) return undefined;
    } else if (next === 'x') {
      if (!number(/^[0-9a-fA-F]{1,2}/, 16)) out += '\\x';
    } else if (next === 'u') {
      if (!number(/^[0-9a-fA-F]{1,4}/, 16)) out += '\\u';
    } else if (next === 'U') {
      if (!number(/^[0-9a-fA-F]{1,8}/, 16)) out += '\\U';
    } else if (next === 'c') {
      const ch = body[++i];
      if (ch === undefined) return undefined;
      out += String.fromCharCode(ch.toUpperCase().charCodeAt(0) & 0x1f);
    } else {
      out += '\\' + next;
    }
  }
  return out;
}

/** Quotes a word for display and for suggested rules, only when it needs it. */
export function quoteArg(arg: Arg): string {
  if (isDynamic(arg)) return arg.text;
  if (arg !== '' && /^[\w@%+=:,./~^-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export const argvText = (argv: readonly Arg[]): string => argv.map(quoteArg).join(' ');
