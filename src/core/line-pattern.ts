// Patterns that come from outside tandem (the model's filters and watchers, settings files) run on an RE2
// engine (re2js): linear time in the input, whatever the pattern, so `(a+)+$` cannot pin a core and leave
// tandem deaf to signals. JavaScript's own RegExp backtracks and is kept for patterns tandem writes itself.
// re2js is loaded on first use (~10 ms), so runs that never filter output do not pay for it.

/** What a line filter needs: RegExp satisfies it too (for library callers with their own RegExp). */
export interface LinePattern {
  readonly source: string;
  test(line: string): boolean;
}

/** A pattern that does not compile; the message says why and what to do, for a model or a person. */
export class PatternError extends Error {
  override name = 'PatternError';
}

type Re2Module = typeof import('re2js');
let re2: Promise<Re2Module> | undefined;

/** Loads the engine ahead of a synchronous compile (compileLinePatternSync). */
export function loadPatternEngine(): Promise<Re2Module> {
  re2 ??= import('re2js').then((m) => (loaded = m));
  return re2;
}

let loaded: Re2Module | undefined;

/** True once loadPatternEngine() (or an async compile) has resolved: compileLinePatternSync works then. */
export function patternEngineLoaded(): boolean {
  return loaded !== undefined;
}

/**
 * Compiles `source` (JavaScript regex syntax as far as RE2 has it: no lookaround, no backreferences;
 * `(?i)` for case-insensitive) into a linear-time pattern. `what` names it in errors ("filter", "until").
 */
export async function compileLinePattern(source: string, what = 'pattern'): Promise<LinePattern> {
  loaded = await loadPatternEngine();
  return compileWith(loaded, source, what);
}

/** As compileLinePattern, once loadPatternEngine() has resolved; throws if it has not. */
export function compileLinePatternSync(source: string, what = 'pattern'): LinePattern {
  if (!loaded) throw new Error('compileLinePatternSync: call loadPatternEngine() first');
  return compileWith(loaded, source, what);
}

function compileWith({ RE2JS }: Re2Module, source: string, what: string): LinePattern {
  let compiled: InstanceType<typeof RE2JS>;
  try {
    // translateRegExp takes JavaScript spellings RE2 writes differently (named groups `(?<n>…)`, `\/`).
    compiled = RE2JS.compile(RE2JS.translateRegExp(source));
  } catch (err) {
    throw new PatternError(describeFailure(source, what, err));
  }
  return { source, test: (line) => compiled.test(line) };
}

function describeFailure(source: string, what: string, err: unknown): string {
  const detail = (err instanceof Error ? err.message : String(err)).replace(/^error parsing regexp: /, '');
  const unsupported = /\(\?<?[=!]|\\[1-9]/.test(source)
    ? ' Lookahead, lookbehind and backreferences are not supported (patterns run on a linear-time engine, RE2 syntax):'
      + ' match the line more loosely instead.'
    : '';
  return `${what} is not a valid regular expression: ${detail}.${unsupported} `
    + 'Escape special characters (e.g. "\\\\(") or use a simpler pattern; "(?i)" at the start ignores case.';
}
