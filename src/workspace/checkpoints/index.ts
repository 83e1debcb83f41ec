// Checkpointing around the tools: write_file and edit_file keep the file's content before they run; bash
// keeps what git can tell a command changed. The wrapped tool works exactly as before.
import type { AgentTool } from '../../core/types.js';
import { resolveInWorkspace, type Workspace } from '../paths.js';
import { watchCommand } from './command-watch.js';
import type { CheckpointStore } from './store.js';

export { CheckpointStore, type FileChange, type PromptMark, type Restored } from './store.js';

const FILE_TOOLS = new Set(['write_file', 'edit_file']);

export function checkpointingTool(tool: AgentTool, store: CheckpointStore, ws: Workspace): AgentTool {
  if (FILE_TOOLS.has(tool.name)) {
    return {
      ...tool,
      summarize: tool.summarize?.bind(tool),
      async execute(input, ctx) {
        const p = (input as { path?: unknown } | undefined)?.path;
        const abs = typeof p === 'string' ? await resolveInWorkspace(ws, p, 'write').catch(() => undefined) : undefined;
        if (abs) await store.beforeChange(abs, tool.name).catch(() => {});
        const result = await tool.execute(input, ctx);
        if (abs && result.isError) store.forgetLast(abs); // nothing was written
        return result;
      },
    };
  }
  if (tool.name === 'bash') {
    return {
      ...tool,
      summarize: tool.summarize?.bind(tool),
      async execute(input, ctx) {
        const watch = await watchCommand(ws.root, store).catch(() => undefined);
        try {
          return await tool.execute(input, ctx);
        } finally {
          await watch?.finish().catch(() => {});
        }
      },
    };
  }
  return tool;
}
