// The task engine's public surface.
export { TaskManager, NOTICE_TAIL_CHARS, NOTICE_TAIL_LINES, type TaskManagerEvents } from './task-manager.js';
export { describeStatus, formatDuration, formatNotice, neutralize, NOTICE_TAG } from './notices.js';
export { reapOrphans } from './registry.js';
export type { ResolvedIsolation, IsolationMode } from './isolation.js';
export * from './types.js';
export { taskHeadline, taskTable } from './report.js';
