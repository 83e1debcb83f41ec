// Permission rules as written in settings (`Bash(npm test:*)`, `Edit(src/**)`, `Read(~/.npmrc)`): parsing,
// and matching against the words of a simple command or an absolute path.
import path from 'node:path';
import picomatch from 'picomatch';
import { type Arg, isDynamic } from './shell-words.js';
import { wildcardMatcher, type WordMatcher } from './wildcard.js';

export type RuleKind = 'allow' | 'ask' | 'deny';

/** A rule's meaning. `tool` is `Bash`, `Read`, `Edit` (also for `Write`) or any other name, which never matches. */
export interface ParsedRule {
  /** The rule as written (trimmed). */
  text: string;
  tool: string;
  /** Bash(...) with a specifier; absent for a bare `Bash` (every command). */
  command?: CommandPattern;
  /** Read(...) / Edit(...) glob as written; absent for a bare `Read` / `Edit` (every path). */
  pathGlob?: string;
  /** WebFetch(domain:HOST): the host (or `*.host` for its subdomains); absent for a bare `WebFetch` (every URL). */
  domain?: string;
}

/** A rule in force: what it says, whether it allows, asks or denies, and where it came from. */
export interface PermissionRule extends ParsedRule {
  kind: RuleKind;
  /** The settings file it was read from, or `--allow` / `--deny`, or `session`. */
  source: string;
}

/** A rule that cannot be read; the message says what is wrong with it. */
export class RuleSyntaxError extends Error {
  override name = 'RuleSyntaxError';
}

/** The tools whose rules tandem applies; the value is the tool a rule names after aliases. */
export const KNOWN_TOOLS: Record<string, string> = { Bash: 'Bash', Read: 'Read', Edit: 'Edit', Write: 'Edit', WebFetch: 'WebFetch' };

/** Parses `Tool` or `Tool(specifier)`. Throws RuleSyntaxError for malformed text, not for unknown tools. */
export function parseRule(raw: string): ParsedRule {
  const text = raw.trim();
  if (text === '') throw new RuleSyntaxError('empty rule; write e.g. "Bash(npm test:*)" or "Edit(src/**)"');
  const open = text.indexOf('(');
  const name = open < 0 ? text : text.slice(0, open);
  // `mcp__server__*` is Claude Code's way of naming every tool of an MCP server.
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name) && !/^mcp__[A-Za-z0-9_-]+__\*$/.test(name)) {
    if (name.includes(')')) throw new RuleSyntaxError(`"${text}" has a ")" without a matching "("`);
    throw new RuleSyntaxError(`"${text}" does not start with a tool name (like Bash, Read, Edit)`);
  }
  const tool = KNOWN_TOOLS[name] ?? name;
  if (open < 0) return { text, tool };
  if (!text.endsWith(')')) throw new RuleSyntaxError(`"${text}" is missing its closing parenthesis`);
  const spec = text.slice(open + 1, -1);
  checkParentheses(text, spec);
  if (spec.trim() === '') throw new RuleSyntaxError(`"${text}" has empty parentheses; write "${name}" alone to match everything`);
  if (tool === 'Bash') return { text, tool, command: parseCommandPattern(spec, text) };
  if (tool === 'Read' || tool === 'Edit') return { text, tool, pathGlob: spec.trim() };
  if (tool === 'WebFetch') return { text, tool, domain: parseDomainSpec(spec, text) };
  return { text, tool };
}

/** Parentheses inside a specifier must pair up (outside quotes), so `Bash(a)(b)` is an error. */
function checkParentheses(text: string, spec: string): void {
  let depth = 0;
  let quote: string | undefined;
  for (const c of spec) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) throw new RuleSyntaxError(`"${text}" has unbalanced parentheses`);
  }
  if (depth !== 0) throw new RuleSyntaxError(`"${text}" has unbalanced parentheses`);
}

/** `domain:example.com` or `domain:*.example.com`, lower-cased. */
function parseDomainSpec(spec: string, text: string): string {
  const m = /^\s*domain:\s*((?:\*\.)?[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])\s*$/.exec(spec);
  if (!m) throw new RuleSyntaxError(`"${text}" should name a host: WebFetch(domain:example.com) or WebFetch(domain:*.example.com)`);
  return m[1]!.toLowerCase();
}

/** Whether a WebFetch rule's domain covers `host`: the same host, or for `*.x` any host under x. */
export function matchDomain(domain: string, host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (domain.startsWith('*.')) return h.endsWith(domain.slice(1));
  return h === domain;
}

// ---- Bash(...) ----

const STAR = Symbol('*');
type Segment = string | typeof STAR;

/** One word of a command pattern: a lone `*` (any number of words) or a word matcher. */
type PatternToken = { star: true } | { star: false; re: WordMatcher };

/** `npm test` (exact), `npm test:*` or `npm test *` (prefix on word boundary), `git * main` (glob). */
export interface CommandPattern {
  tokens: PatternToken[];
  /** More words may follow the tokens. */
  prefix: boolean;
}

export function parseCommandPattern(spec: string, text = spec): CommandPattern {
  let body = spec.trim();
  let prefix = false;
  if (body.endsWith(':*')) {
    prefix = true;
    body = body.slice(0, -2);
  }
  const tokens = tokenize(body, text).map((segments): PatternToken => {
    if (segments.length === 1 && segments[0] === STAR) return { star: true };
    // Literal pieces between the stars; matched without a regex (wildcard.ts).
    const pieces = [''];
    for (const s of segments) {
      if (s === STAR) pieces.push('');
      else pieces[pieces.length - 1] += s;
    }
    return { star: false, re: wildcardMatcher(pieces) };
  });
  while (tokens.length && tokens[tokens.length - 1].star) {
    tokens.pop();
    prefix = true;
  }
  return { tokens, prefix };
}

/** Splits a specifier into words as a shell would (quotes, backslashes); an unquoted `*` is a wildcard. */
function tokenize(body: string, text: string): Segment[][] {
  const words: Segment[][] = [];
  let current: Segment[] | undefined;
  const add = (s: Segment) => {
    current ??= [];
    const last = current[current.length - 1];
    if (typeof s === 'string' && typeof last === 'string') current[current.length - 1] = last + s;
    else current.push(s);
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (/\s/.test(c)) {
      if (current) words.push(current);
      current = undefined;
    } else if (c === '*') add(STAR);
    else if (c === '\\' && i + 1 < body.length) add(body[++i]);
    else if (c === "'" || c === '"') {
      const end = body.indexOf(c, i + 1);
      if (end < 0) throw new RuleSyntaxError(`"${text}" has an unterminated ${c} quote`);
      const inner = body.slice(i + 1, end);
      add(c === '"' ? inner.replace(/\\([$`"\\])/g, '$1') : inner);
      i = end;
    } else add(c);
  }
  if (current) words.push(current);
  return words;
}


/**
 * Whether a command's words match. `certain`: they match whatever its dynamic words turn out to be (only a
 * lone `*` or the prefix tail covers one); `possible`: they match for some value of them (a dynamic word
 * may expand to any number of words).
 */
export function matchCommand(pattern: CommandPattern, words: readonly Arg[], how: 'certain' | 'possible'): boolean {
  const { tokens, prefix } = pattern;
  const memo = new Map<number, boolean>();
  const rec = (i: number, j: number): boolean => {
    const key = i * (words.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, false);
    let result: boolean;
    if (i === tokens.length) {
      result = j === words.length || prefix || (how === 'possible' && words.slice(j).every(isDynamic));
    } else if (tokens[i].star) {
      result = rec(i + 1, j) || (j < words.length && rec(i, j + 1));
    } else if (j === words.length) {
      result = false;
    } else {
      const word = words[j];
      const token = tokens[i] as { star: false; re: WordMatcher };
      if (isDynamic(word)) result = how === 'possible' && (rec(i, j + 1) || rec(i + 1, j + 1) || rec(i + 1, j));
      else result = token.re.test(word) && rec(i + 1, j + 1);
    }
    memo.set(key, result);
    return result;
  };
  return rec(0, 0);
}

// ---- Read(...) / Edit(...) ----

/** What relative, `~/` and `//` globs are anchored to. */
export interface PathContext {
  root: string;
  home: string;
}

/**
 * Compiles a path glob to a test on absolute paths: `//abs/**` and `/abs/**` are absolute, `~/x` is in the
 * home folder, `src/**` and `./x` are relative to the workspace root, and a glob without a slash (`.env`,
 * `*.ts`) matches that name at any depth in the workspace, as in .gitignore. A glob naming a folder also
 * matches everything inside it.
 */
export function compilePathGlob(glob: string, ctx: PathContext): (absPath: string) => boolean {
  const abs = absoluteGlob(glob, ctx);
  return picomatch([abs, `${abs}/**`], { dot: true });
}

function absoluteGlob(glob: string, { root, home }: PathContext): string {
  let g = glob;
  if (g.startsWith('//')) g = g.slice(1);
  else if (g === '~' || g.startsWith('~/')) g = escapeGlob(home) + g.slice(1);
  else if (!g.startsWith('/')) {
    const anchored = g.startsWith('./') || g.replace(/\/+$/, '').includes('/');
    if (g.startsWith('./')) g = g.slice(2);
    g = `${escapeGlob(root)}/${anchored ? '' : '**/'}${g}`;
  }
  if (g.endsWith('/')) g += '**';
  return path.posix.normalize(g);
}

/** `p` with glob characters escaped, so picomatch reads it literally. */
export function escapeGlob(p: string): string {
  return p.replace(/[\\*?[\]{}()!+@]/g, '\\$&');
}
