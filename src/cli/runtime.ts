// Wires the layers for one tandem process: model, workspace, task engine, tools, system prompt, and the
// hook that delivers task notices right before each model call.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ContentBlock, Model } from '../core/types.js';
import type { AgentTool } from '../core/types.js';
import { createAnthropicModel } from '../providers/anthropic.js';
import { formatNotice } from '../tasks/notices.js';
import { TaskManager } from '../tasks/task-manager.js';
import { createTools } from '../tools/index.js';
import { createWorkspace, type Workspace } from '../workspace/paths.js';
import type { Config } from './config.js';
import { buildSystemPrompt } from './system-prompt.js';

export interface Runtime {
  config: Config;
  sessionId: string;
  model: Model;
  tools: AgentTool[];
  tasks: TaskManager;
  workspace: Workspace;
  system: string;
  /** Drains ended tasks' notices into blocks for the trailing user message. */
  takeNotices(): ContentBlock[];
  /** Kills every task and waits for them to end. */
  shutdown(): Promise<void>;
}

/** Variables holding tandem's own credentials; commands it runs do not inherit them. */
export const CREDENTIAL_VARS = [
  'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY',
];

export async function createRuntime(config: Config, log: (line: string) => void): Promise<Runtime> {
  const sessionId = randomUUID();
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const logDir = path.join(os.tmpdir(), `tandem-${uid}`, sessionId);
  const registryDir = path.join(config.home, 'running-tasks');
  await mkdir(logDir, { recursive: true, mode: 0o700 });
  for (const line of await TaskManager.reapOrphans(registryDir)) log(line);

  const env = { ...process.env };
  for (const name of CREDENTIAL_VARS) delete env[name];
  const tasks = new TaskManager({ cwd: config.cwd, logDir, registryDir, env, maxConcurrent: config.maxTasks });
  const workspace = await createWorkspace(config.cwd, [logDir]);
  const model = createAnthropicModel({
    model: config.model,
    apiKey: config.apiKey,
    authToken: config.authToken,
    baseURL: config.baseURL,
    maxAttempts: config.maxRetries + 1,
  });
  const system = buildSystemPrompt({
    cwd: workspace.root,
    home: config.home,
    platform: `${process.platform} ${os.release()}`,
    shell: process.env.SHELL ?? '/bin/sh',
    date: new Date(),
    isGitRepo: isInsideGitRepo(workspace.root),
    override: config.systemPrompt,
    append: config.appendSystemPrompt,
  });
  return {
    config,
    sessionId,
    model,
    tools: createTools(workspace, tasks),
    tasks,
    workspace,
    system,
    takeNotices: () => tasks.drainNotices().map((n) => ({ type: 'text', text: formatNotice(n) })),
    shutdown: () => tasks.shutdown(),
  };
}

function isInsideGitRepo(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return true;
    if (path.dirname(d) === d) return false;
  }
}
