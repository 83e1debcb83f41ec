// Test support for the file tools: a real temp workspace (plus an outside folder) and a tool context.
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AgentTool, ToolContext, ToolResult } from '../../src/core/types.js';
import { createWorkspace, type Workspace } from '../../src/workspace/paths.js';

export interface Fixture {
  /** Real path of a temp folder holding `root`, `outside` and `logs`. */
  base: string;
  ws: Workspace;
  root: string;
  outside: string;
  logs: string;
  at(...parts: string[]): string;
  cleanup(): Promise<void>;
}

/** A workspace at base/root with base/logs as a read root and base/outside as somewhere it may not reach. */
export async function makeFixture(): Promise<Fixture> {
  const base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'tandem-fs-')));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  const logs = path.join(base, 'logs');
  await Promise.all([mkdir(root), mkdir(outside), mkdir(logs)]);
  const ws = await createWorkspace(root, [logs]);
  return {
    base, ws, root, outside, logs,
    at: (...parts) => path.join(root, ...parts),
    cleanup: () => rm(base, { recursive: true, force: true }),
  };
}

export function ctx(signal = new AbortController().signal): ToolContext {
  return { signal, toolUseId: 'tu_test' };
}

export function run(tool: AgentTool, input: unknown): Promise<ToolResult> {
  return tool.execute(input, ctx());
}
