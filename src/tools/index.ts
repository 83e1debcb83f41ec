// The tool set tandem gives the model.
import type { AgentTool } from '../core/types.js';
import type { TaskManager } from '../tasks/task-manager.js';
import type { Workspace } from '../workspace/paths.js';
import { createBackgroundRunTool } from './background-run.js';
import { createBashTool } from './bash.js';
import { createCheckBackgroundTool } from './check-background.js';
import { createEditFileTool } from './edit-file.js';
import { createGlobTool } from './glob.js';
import { createGrepTool } from './grep.js';
import { createKillBackgroundTool } from './kill-background.js';
import { createLsTool } from './ls.js';
import { createReadFileTool, type ReadFileOptions } from './read-file.js';
import { createWaitBackgroundTool } from './wait-background.js';
import { createWebFetchTool } from './web-fetch.js';
import { createWriteBackgroundTool } from './write-background.js';
import { createWriteFileTool } from './write-file.js';
import { createTodoWriteTool } from './todo-write.js';
import type { FileIO } from './file-io.js';

/** `io`: where the file tools read and write (default: the disk); `read`: read_file's options (images). */
export function createTools(workspace: Workspace, tasks: TaskManager, io?: FileIO, read?: ReadFileOptions): AgentTool[] {
  return [
    createBashTool(tasks),
    createReadFileTool(workspace, io, read),
    createWriteFileTool(workspace, io),
    createEditFileTool(workspace, io),
    createGrepTool(workspace),
    createGlobTool(workspace),
    createLsTool(workspace),
    createWebFetchTool(),
    createBackgroundRunTool(tasks),
    createCheckBackgroundTool(tasks),
    createWaitBackgroundTool(tasks),
    createKillBackgroundTool(tasks),
    createWriteBackgroundTool(tasks),
    createTodoWriteTool(),
  ];
}
