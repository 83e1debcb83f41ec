// ls: a compact listing of a folder (a level or a few), .gitignore'd entries named in one line, not listed.
import { z } from 'zod';
import type { AgentTool } from '../core/types.js';
import type { Workspace } from '../workspace/paths.js';
import { walk } from './search/ignore-walk.js';
import { plural, resolveScope } from './search/scope.js';
import { defineTool, ToolError } from './tool.js';

const MAX_ENTRIES = 300;
const MAX_IGNORED_NAMED = 20;

const schema = z.object({
  path: z.string().optional().describe('Folder, relative to the workspace (default: its root).'),
  depth: z.number().int().min(1).max(4).optional().describe('Levels to show (default 1).'),
});

const DESCRIPTION = 'List a folder: folders end in "/", nested levels are indented; .gitignore\'d entries are only named.';

export function createLsTool(ws: Workspace): AgentTool {
  return defineTool({
    name: 'ls',
    description: DESCRIPTION,
    schema,
    readOnly: true,
    summarize: (i) => i.path ?? '.',
    async execute(input, ctx) {
      const scope = await resolveScope(ws, input.path);
      if (scope.isFile) throw new ToolError(`${scope.shown} is a file, not a folder; read it with read_file.`);
      const ignored: string[] = [];
      const lines: string[] = [];
      let total = 0;
      const entries = walk(scope.abs, {
        maxDepth: input.depth ?? 1,
        signal: ctx.signal,
        onIgnored: (e) => { if (!e.rel.includes('/')) ignored.push(e.dir ? `${e.rel}/` : e.rel); },
      });
      for await (const e of entries) {
        if (total++ >= MAX_ENTRIES) continue;
        const depth = e.rel.split('/').length - 1;
        const name = e.rel.slice(e.rel.lastIndexOf('/') + 1);
        lines.push(`${'  '.repeat(depth)}${name}${e.dir ? '/' : e.special ? '@' : ''}`);
      }
      const notes: string[] = [];
      if (total > MAX_ENTRIES) notes.push(`[${plural(total, 'entry', 'entries')}; showing the first ${MAX_ENTRIES}: list a subfolder or use glob]`);
      if (ignored.length) {
        const named = ignored.slice(0, MAX_IGNORED_NAMED).join(' ');
        const more = ignored.length > MAX_IGNORED_NAMED ? ` and ${ignored.length - MAX_IGNORED_NAMED} more` : '';
        notes.push(`[ignored by .gitignore, not listed: ${named}${more}]`);
      }
      if (!total) return [`${scope.shown} is empty.`, ...notes].join('\n');
      return [...lines, ...notes].join('\n');
    },
  });
}
