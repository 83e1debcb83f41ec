// grep: content search in the workspace that respects .gitignore, through ripgrep when installed (else the same
// search in JavaScript), with linear-time regular expressions and bounded output that says how much it left out.
import { z } from 'zod';
import type { AgentTool } from '../core/types.js';
import type { Workspace } from '../workspace/paths.js';
import { compilePattern, type GrepFile } from './search/backend.js';
import { grepText, readSearchable } from './search/js-search.js';
import { backendOf, clip, globFilter, plural, resolveScope, type SearchToolOptions } from './search/scope.js';
import { defineTool, ToolError } from './tool.js';

const DEFAULT_LINES = 100;
const DEFAULT_FILES = 200;

const schema = z.object({
  pattern: z.string().min(1).describe('Regular expression (RE2 syntax).'),
  path: z.string().optional().describe('File or folder to search, relative to the workspace (default: all of it).'),
  glob: z.string().optional().describe('Only files matching this glob, e.g. "*.ts" or "src/**/*.{js,jsx}".'),
  output: z.enum(['content', 'files']).optional().describe('"content" (default): matching lines; "files": paths with match counts.'),
  ignore_case: z.boolean().optional(),
  context: z.number().int().min(0).max(10).optional().describe('Lines of context around each match.'),
  limit: z.number().int().min(1).max(2000).optional().describe(`Most lines (content, default ${DEFAULT_LINES}) or files (default ${DEFAULT_FILES}) shown.`),
});

const DESCRIPTION = `Search file contents with a regular expression (ripgrep-fast; .gitignore'd files are skipped, \
binary and >10 MB files too). Shows matching lines grouped by file ("12: text"; context lines "13- text") and the \
total counts. Prefer this to grep/rg in bash.`;

export function createGrepTool(ws: Workspace, opts: SearchToolOptions = {}): AgentTool {
  const backend = backendOf(opts);
  return defineTool({
    name: 'grep',
    description: DESCRIPTION,
    schema,
    readOnly: true,
    summarize: (i) => `${i.pattern}${i.path ? ` in ${i.path}` : ''}${i.glob ? ` (${i.glob})` : ''}`,
    async execute(input, ctx) {
      const scope = await resolveScope(ws, input.path);
      const filesMode = input.output === 'files';
      const limit = input.limit ?? (filesMode ? DEFAULT_FILES : DEFAULT_LINES);
      const query = {
        pattern: input.pattern,
        ignoreCase: input.ignore_case ?? false,
        context: filesMode ? 0 : input.context ?? 0,
        include: globFilter(input.glob),
        keepLines: filesMode ? 0 : limit,
      };
      const files: GrepFile[] = [];
      if (scope.isFile) {
        const re = await compilePattern(query.pattern, query.ignoreCase);
        const text = await readSearchable(scope.abs);
        if (text === undefined) throw new ToolError(`${scope.shown} is binary or larger than 10 MB; grep searches text files.`);
        const file = grepText(scope.shown, text, (l) => re.test(l), query.context, query.keepLines);
        if (file) files.push(file);
      } else {
        const engine = await backend();
        await engine.grep(scope.abs, query, (f) => files.push({ ...f, path: scope.name(f.path) }), ctx.signal);
      }
      if (ctx.signal.aborted) throw new ToolError('grep was interrupted.');
      return report(files, filesMode, limit, input.pattern, scope.shown);
    },
  });
}

function report(files: GrepFile[], filesMode: boolean, limit: number, pattern: string, where: string) {
  const total = files.reduce((n, f) => n + f.matches, 0);
  const counts = `${plural(total, 'matching line')} in ${plural(files.length, 'file')}`;
  const details = { kind: 'search', matches: total, files: files.length };
  if (!files.length) return { content: `No matches for ${JSON.stringify(pattern)} in ${where}.`, details };
  const out: string[] = [];
  if (filesMode) {
    for (const f of files.slice(0, limit)) out.push(`${f.path} (${f.matches})`);
    const more = files.length > limit ? `; showing the first ${limit} files, raise limit or narrow with path or glob` : '';
    out.push(`[${counts}${more}]`);
    return { content: out.join('\n'), details };
  }
  let shownMatches = 0;
  for (const f of files) {
    if (!f.lines.length) break;
    if (out.length) out.push('');
    out.push(f.path);
    let last = 0;
    for (const l of f.lines) {
      if (last && l.n > last + 1) out.push('--');
      out.push(`${l.n}${l.match ? ':' : '-'} ${clip(l.text)}`);
      if (l.match) shownMatches++;
      last = l.n;
    }
  }
  const more = shownMatches < total
    ? `; showing ${plural(shownMatches, 'match', 'matches')} (limit ${limit} lines): narrow with path or glob, raise limit, or use output "files"`
    : '';
  out.push(`[${counts}${more}]`);
  return { content: out.join('\n'), details };
}
