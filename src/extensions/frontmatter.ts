// Markdown files with a YAML front matter block (`---` lines), as Claude Code's commands and Agent Skills use.
// The YAML parser loads only when a file has front matter.

export interface FrontMatterFile {
  data: Record<string, unknown>;
  body: string;
  /** Set when the block is not valid YAML (the body is still the text after it). */
  error?: string;
}

const BLOCK = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export async function parseFrontMatter(text: string): Promise<FrontMatterFile> {
  const clean = text.replace(/^\uFEFF/, '');
  const m = BLOCK.exec(clean);
  if (!m) return { data: {}, body: clean };
  const body = clean.slice(m[0].length);
  // Most front matter is a few `key: value` lines: read those directly; the YAML parser (slow to load) only
  // for the rest (lists, block scalars, escapes).
  const simple = simpleKeys(m[1]!);
  if (simple) return { data: simple, body };
  try {
    const data = (await yamlParse())(m[1]!) as unknown;
    if (data === null || data === undefined) return { data: {}, body };
    if (typeof data !== 'object' || Array.isArray(data)) return { data: {}, body, error: 'the front matter is not a set of keys' };
    return { data: data as Record<string, unknown>, body };
  } catch (err) {
    return { data: {}, body, error: `invalid front matter: ${(err as Error).message.split('\n')[0]}` };
  }
}

const SIMPLE_LINE = /^([A-Za-z][\w-]*):[ \t]+(.*?)[ \t]*$/;

/** `key: value` lines with plain or simply quoted values; undefined when anything needs a YAML parser. */
function simpleKeys(block: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    if (!line.trim() || /^\s*#/.test(line)) continue;
    const m = SIMPLE_LINE.exec(line);
    if (!m) return undefined;
    const raw = m[2]!;
    if (/^["']/.test(raw)) {
      const q = raw[0]!;
      if (raw.length < 2 || !raw.endsWith(q) || raw.slice(1, -1).includes(q) || raw.includes('\\')) return undefined;
      out[m[1]!] = raw.slice(1, -1);
      continue;
    }
    if (/^[[{|>&*!%@`]|^- |\s#/.test(raw)) return undefined;
    out[m[1]!] = raw;
  }
  return out;
}

type YamlParse = (text: string) => unknown;

/** yaml's parse; the package is CommonJS under Node, so bundled its functions may sit on `default`. */
async function yamlParse(): Promise<YamlParse> {
  const mod = (await import('yaml')) as unknown as { parse?: YamlParse; default?: { parse: YamlParse } };
  return mod.parse ?? mod.default!.parse;
}

/** A string field, trimmed; undefined when absent or not a scalar. */
export function stringField(data: Record<string, unknown>, key: string): string | undefined {
  const v = data[key];
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A list field written as a YAML list or as one comma-separated string (`Bash(git add:*), Read`). */
export function listField(data: Record<string, unknown>, key: string): string[] {
  const v = data[key];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').map((s) => s.trim()).filter(Boolean);
  if (typeof v === 'string') return splitTopLevelCommas(v);
  return [];
}

/** Splits on commas outside parentheses: `Bash(git diff:*, x), Read` is two entries. */
function splitTopLevelCommas(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter(Boolean);
}
