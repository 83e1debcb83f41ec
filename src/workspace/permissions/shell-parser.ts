// Loads mvdan/sh's bash parser (the GopherJS build, `mvdan-sh`) once, on first use, and names its operators.
// It is plain JavaScript (no WASM), so it bundles with esbuild into its own lazily loaded chunk.

/** A source position; offsets count UTF-8 bytes. */
export interface ShPos {
  Offset(): number;
  Line(): number;
  Col(): number;
}

/** Any syntax node. Fields are those of mvdan.cc/sh/v3/syntax; `shell-analysis.ts` reads them by name. */
export interface ShNode {
  Pos(): ShPos;
  End(): ShPos;
  // The GopherJS objects are untyped; fields are read by name as in the Go package.
  [field: string]: any;
}

/** The parser and what is needed to read its trees. Contract: `parse` throws ShellSyntaxError on bad input. */
export interface ShellParser {
  parse(source: string): ShNode;
  nodeType(node: ShNode): string;
  walk(node: ShNode, visit: (node: ShNode) => boolean): void;
  /** Redirection operators (`>`, `>>`, `<`, `>&`, `&>`, `<<<`…), by their numeric token. */
  redirectOp(op: number): string;
  /** `&&`, `||`, `|`, `|&` by token. */
  binaryOp(op: number): string;
  /** `<(` or `>(` by token. */
  procSubstOp(op: number): string;
}

export class ShellSyntaxError extends Error {
  override name = 'ShellSyntaxError';
}

interface MvdanSyntax {
  NewParser(...options: unknown[]): { Parse(src: string, name: string): ShNode };
  KeepComments(keep: boolean): unknown;
  Variant(lang: unknown): unknown;
  LangBash: unknown;
  NodeType(node: ShNode): string;
  Walk(node: ShNode, visit: (node: ShNode | null) => boolean): void;
}

let loading: Promise<ShellParser> | undefined;

/** Resolves to the shared parser; the first call loads mvdan-sh (about 0.2 s). Call early to warm it up. */
export function loadShellParser(): Promise<ShellParser> {
  loading ??= load();
  return loading;
}

async function load(): Promise<ShellParser> {
  const global = globalThis as { require?: unknown };
  const hadRequire = 'require' in global;
  const stackLimit = Error.stackTraceLimit;
  const mod = (await import('mvdan-sh')) as { default?: { syntax: MvdanSyntax }; syntax?: MvdanSyntax };
  // GopherJS's runtime sets these process-wide while loading; put them back.
  if (!hadRequire) delete global.require;
  Error.stackTraceLimit = stackLimit;
  const syntax = (mod.default ?? mod).syntax as MvdanSyntax;
  const goParser = syntax.NewParser(syntax.KeepComments(false), syntax.Variant(syntax.LangBash));
  const parse = (source: string): ShNode => {
    try {
      return goParser.Parse(source, '');
    } catch (err) {
      const e = err as { Error?: () => string; message?: string };
      throw new ShellSyntaxError(typeof e?.Error === 'function' ? e.Error() : String(e?.message ?? err));
    }
  };
  const first = (src: string) => parse(src).Stmts[0] as ShNode;
  const table = (samples: Record<string, () => number>) => {
    const byToken = new Map<number, string>();
    for (const [op, token] of Object.entries(samples)) byToken.set(token(), op);
    return (token: number) => byToken.get(token) ?? `op#${token}`;
  };
  const redirect = (src: string) => () => first(src).Redirs[0].Op as number;
  const redirectOp = table({
    '>': redirect('a >b'), '>>': redirect('a >>b'), '<': redirect('a <b'), '<>': redirect('a <>b'),
    '<&': redirect('a <&0'), '>&': redirect('a >&1'), '>|': redirect('a >|b'), '&>': redirect('a &>b'),
    '&>>': redirect('a &>>b'), '<<': redirect('a <<E\nE\n'), '<<-': redirect('a <<-E\nE\n'),
    '<<<': redirect('a <<<b'),
  });
  const binary = (src: string) => () => first(src).Cmd.Op as number;
  const binaryOp = table({ '&&': binary('a && b'), '||': binary('a || b'), '|': binary('a | b'), '|&': binary('a |& b') });
  const proc = (src: string) => () => first(src).Cmd.Args[1].Parts[0].Op as number;
  const procSubstOp = table({ '<(': proc('a <(b)'), '>(': proc('a >(b)') });
  return {
    parse,
    nodeType: (node) => syntax.NodeType(node),
    walk: (node, visit) => syntax.Walk(node, (n) => (n ? visit(n) : true)),
    redirectOp,
    binaryOp,
    procSubstOp,
  };
}
