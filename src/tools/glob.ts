// glob: files by name pattern, .gitignore respected, through ripgrep when installed (else the JavaScript walk).
import { z } from 'zod';
import type { AgentTool } from '../core/types.js';
import type { Workspace } from '../workspace/paths.js';
import { backendOf, globFilter, plural, resolveScope, type SearchToolOptions } from './search/scope.js';
import { defineTool, ToolError } from './tool.js';

const DEFAULT_LIMIT = 200;

const schema = z.object({
  pattern: z.string().min(1).describe('e.g. "**/*.test.ts", "src/**/index.{js,ts}", "*.md" (no slash: any folder).'),
  path: z.string().optional().describe('Folder to search, relative to the workspace (default: all of it).'),
  limit: z.number().int().min(1).max(5000).optional().describe(`Most paths shown (default ${DEFAULT_LIMIT}).`),
});

const DESCRIPTION = `Find files by glob pattern (fast; .gitignore'd files are skipped). Paths are relative to the \
workspace, in path order, with the total count. Prefer this to find/ls in bash.`;

export function createGlobTool(ws: Workspace, opts: SearchToolOptions = {}): AgentTool {
  const backend = backendOf(opts);
  return defineTool({
    name: 'glob',
    description: DESCRIPTION,
    schema,
    readOnly: true,
    summarize: (i) => `${i.pattern}${i.path ? ` in ${i.path}` : ''}`,
    async execute(input, ctx) {
      const scope = await resolveScope(ws, input.path);
      if (scope.isFile) throw new ToolError(`${scope.shown} is a file; give glob a folder as path.`);
      const matches = globFilter(input.pattern);
      const limit = input.limit ?? DEFAULT_LIMIT;
      const engine = await backend();
      const shown: string[] = [];
      let total = 0;
      for await (const rel of engine.listFiles(scope.abs, ctx.signal)) {
        if (!matches(rel)) continue;
        if (total++ < limit) shown.push(scope.name(rel));
      }
      if (ctx.signal.aborted) throw new ToolError('glob was interrupted.');
      const details = { kind: 'search', files: total };
      if (!total) return { content: `No files match ${JSON.stringify(input.pattern)} in ${scope.shown}.`, details };
      const more = total > limit ? `; showing the first ${limit}: narrow the pattern or path, or raise limit` : '';
      return { content: [...shown, `[${plural(total, 'file')}${more}]`].join('\n'), details };
    },
  });
}
