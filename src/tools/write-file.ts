// write_file: create or replace a whole file in the workspace, atomically, creating parent folders.
import { z } from 'zod';
import type { AgentTool } from '../core/types.js';
import { countLines } from '../core/text.js';
import { writeFileAtomic } from '../workspace/atomic-write.js';
import { displayPath, resolveInWorkspace, type Workspace } from '../workspace/paths.js';
import { count } from './file-hints.js';
import { existsSync } from 'node:fs';
import type { FileIO } from './file-io.js';
import { defineTool } from './tool.js';

const schema = z.object({
  path: z.string().describe('Relative to the workspace.'),
  content: z.string(),
});

const DESCRIPTION = `Create a file or replace its whole content (parent folders are created). To change part of a \
file, use edit_file.`;

/** The write_file tool, confined to `ws.root`. */
export function createWriteFileTool(ws: Workspace, io: FileIO = {}): AgentTool {
  return defineTool({
    name: 'write_file',
    description: DESCRIPTION,
    schema,
    summarize: ({ path, content }) => `${path} (${count(countLines(content), 'line', 'lines')})`,
    async execute({ path, content }) {
      const abs = await resolveInWorkspace(ws, path, 'write');
      const shown = displayPath(ws, abs);
      const existed = existsSync(abs);
      const { created, bytes } = (await io.writeText?.(abs, content))
        ? { created: !existed, bytes: Buffer.byteLength(content) }
        : await writeFileAtomic(abs, content, shown);
      const what = created ? 'created a new file' : 'overwrote the existing file';
      return `Wrote ${count(bytes, 'byte', 'bytes')} (${count(countLines(content), 'line', 'lines')}) to ${shown}; ${what}.`;
    },
  });
}
