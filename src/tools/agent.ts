// agent: hands a piece of work to a subagent with its own context and tools. Foreground, the result is its
// final report; background, it is a task (aN) like any other, whose notice carries the report. The tool only
// knows the SubagentRunner interface; the session implements it (its model, tools, permissions, transcript).
import { z } from 'zod';
import type { ToolContext, ToolDetails, ToolResult } from '../core/types.js';
import type { TaskManager } from '../tasks/task-manager.js';
import type { TaskSnapshot } from '../tasks/types.js';
import { startTask, streamLines, waitForeground } from './foreground-task.js';
import { defineTool } from './tool.js';

export interface SubagentType {
  name: string;
  description: string;
}

export interface SubagentRequest {
  prompt: string;
  description: string;
  agentType?: string;
  /** Another model (MODEL, or PROVIDER/MODEL) than the type's or the session's. */
  model?: string;
  /** An earlier subagent's id: continue its conversation with `prompt`. */
  resume?: string;
}

/** What the agent tool needs from the session. */
export interface SubagentRunner {
  /** The subagent types the model may choose from (agent_type). */
  readonly types: readonly SubagentType[];
  /**
   * Starts a subagent as a task (aN) in the task manager: foreground (the tool waits for it; Ctrl+B moves it to
   * the background) or background (its end is noticed). Throws TaskLimitError at the cap, or an Error with a
   * message for the model (unknown type, model or resume id).
   */
  start(request: SubagentRequest, opts: { foreground: boolean }): Promise<TaskSnapshot>;
}

export interface AgentDetails extends ToolDetails {
  kind: 'agent';
  agentId: string;
  agentType: string;
  background: boolean;
  toolCalls?: number;
  error?: string;
}

export const DEFAULT_AGENT_TYPE = 'general-purpose';

function describe(types: readonly SubagentType[]): string {
  const list = types.map((t) => `- ${t.name}: ${t.description.replace(/\s+/g, ' ')}`).join('\n');
  return `Hand a self-contained task to a subagent: it works with its own context and tools and returns a final report. Use it for broad searches, research or independent pieces of work whose details need not fill your context.
- prompt: everything the subagent needs (it sees nothing of this conversation); say what to report back.
- description: 3-5 words for lists.
- background: true returns a task id at once; its notice brings the report when it ends (check_background shows its progress, wait_background waits, kill_background stops it). Start several in one response to run them in parallel.
- resume: the resume handle a subagent's result gave, to continue its conversation with a new prompt.
- agent_type (default ${DEFAULT_AGENT_TYPE}):
${list}`;
}

export function createAgentTool(runner: SubagentRunner, manager: TaskManager) {
  const schema = z.object({
    prompt: z.string().min(1),
    description: z.string().min(1).describe('3-5 words, e.g. "find the config loader".'),
    agent_type: z.string().optional(),
    model: z.string().optional().describe('MODEL or PROVIDER/MODEL; default the type\'s or yours.'),
    background: z.boolean().optional(),
    resume: z.string().optional(),
  });
  return defineTool({
    name: 'agent',
    description: describe(runner.types),
    schema,
    summarize: (input) => `${input.agent_type ?? DEFAULT_AGENT_TYPE}: ${input.description}${input.background ? ' (background)' : ''}`,
    async execute(input, ctx) {
      const request: SubagentRequest = {
        prompt: input.prompt, description: input.description, agentType: input.agent_type, model: input.model, resume: input.resume,
      };
      if (input.background) {
        const snap = await startTask(() => runner.start(request, { foreground: false }));
        const details = agentDetails(snap, true);
        return {
          content: [
            `Started background agent ${snap.id} (${details.agentType}): ${input.description}`,
            `log: ${snap.logPath}`,
            'Its notice, with its final report, arrives when it ends. Keep working; wait_background blocks on it, check_background shows its progress.',
          ].join('\n'),
          details,
        };
      }
      const snap = await startTask(() => runner.start(request, { foreground: true }));
      return waitForAgent(manager, snap.id, ctx);
    },
  });
}

/**
 * Waits for a foreground subagent: its report when it ends; the task goes on in the background if the person
 * moves it there (Ctrl+B); an interrupt stops it.
 */
async function waitForAgent(manager: TaskManager, id: string, ctx: ToolContext): Promise<ToolResult> {
  const stopProgress = ctx.onProgress ? streamLines(manager, id, ctx.onProgress) : undefined;
  try {
    const waited = await waitForeground(manager, id, ctx, 24 * 3600_000);
    let snap = manager.get(id)!;
    if (waited.movedByUser && snap.status === 'running') {
      return {
        content: `[the user moved subagent ${id} to the background; it goes on working. Its notice, with its final `
          + `report, arrives when it ends; wait_background, check_background or kill_background take task_id "${id}".]`,
        details: agentDetails(snap, true),
      };
    }
    if (snap.status === 'running') snap = await manager.kill(id, 'user');
    manager.acknowledge(id);
    return reportOf(snap);
  } finally {
    stopProgress?.();
  }
}

function reportOf(snap: TaskSnapshot): ToolResult {
  const agent = snap.agent;
  const calls = `${agent?.toolCalls ?? 0} tool call${agent?.toolCalls === 1 ? '' : 's'}`;
  const resume = agent?.transcriptPath ? `; resume: "${resumeHandle(snap)}"` : '';
  const details = agentDetails(snap, false);
  if (snap.status === 'killed') {
    const text = [`Subagent ${snap.id} was stopped (${snap.killedBy === 'user' ? 'interrupted by the user' : `killed by ${snap.killedBy}`}) after ${calls}.`];
    if (agent?.lastText) text.push('The last thing it said:', agent.lastText);
    return { content: text.join('\n'), isError: true, details };
  }
  if (agent?.error) {
    const text = [`Subagent ${snap.id} (${agent.type}) failed after ${calls}: ${agent.error}`];
    if (agent.report) text.push('What it had said:', agent.report);
    return { content: text.join('\n'), isError: true, details };
  }
  return {
    content: `${agent?.report || '(the subagent gave no final report)'}\n\n[subagent ${snap.id} (${agent?.type}), ${calls}${resume}]`,
    details,
  };
}

/** The id a later call passes as `resume`: its transcript's name. */
export function resumeHandle(snap: TaskSnapshot): string {
  const file = snap.agent?.transcriptPath;
  if (!file) return snap.id;
  return file.slice(file.lastIndexOf('/') + 1).replace(/\.jsonl$/, '');
}

function agentDetails(snap: TaskSnapshot, background: boolean): AgentDetails {
  return {
    kind: 'agent', agentId: snap.id, agentType: snap.agent?.type ?? DEFAULT_AGENT_TYPE, background,
    toolCalls: snap.agent?.toolCalls ?? 0, ...(snap.agent?.error ? { error: snap.agent.error } : {}),
  };
}
