// tandem as a library: `import { createSession, defineTool } from 'tandem'`.
export { createSession, type SessionOptions } from './session/create-session.js';
export {
  Session, type PermissionAnswer, type PermissionHandler, type PermissionRequest, type Turn,
} from './session/session.js';
export type { TurnResult } from './session/runtime.js';
export type { PermissionDenial, ToolHook, ToolHookDecision } from './session/tool-hooks.js';
export { defineTool, ToolError, type ToolDefinition } from './tools/tool.js';
export type { AgentEvent, AgentResult } from './core/events.js';
export type { AgentTool, ContentBlock, Message, ToolContext, ToolResult, Usage } from './core/types.js';
export { TaskManager } from './tasks/task-manager.js';
export type { TaskNotice, TaskSnapshot } from './tasks/types.js';
export type { Mode as PermissionMode } from './workspace/permissions/types.js';
