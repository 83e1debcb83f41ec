// Runs one response's tool calls and returns their results in call order. A tool never takes the loop down:
// unknown names, throws, timeouts and interrupts all become error results the model can read.
import type { AgentEvent } from './events.js';
import type { AgentTool, ToolResult, ToolResultBlock, ToolUseBlock } from './types.js';
import { contentForModel, mapToolResultText } from './text.js';
import type { HarnessMark } from './harness-mark.js';

export interface ToolCallOptions {
  signal?: AbortSignal;
  emit: (event: AgentEvent) => void;
  timeoutMs?: number;
  authorize?: Authorize;
  /**
   * The session's harness mark: every tool's result (outside text) is shielded so it cannot carry the key, and
   * permission decisions (harness messages) are marked with it. This is the one place all tool output passes.
   */
  mark?: HarnessMark;
}

/**
 * Decides whether a call may run (permission rules, a person's approval). Resolves undefined to let it run, or
 * the result to give the model instead (a denial saying why and what would allow it).
 */
export type Authorize = (call: ToolUseBlock, tool: AgentTool, signal?: AbortSignal) => Promise<ToolResult | undefined>;

/** Results tandem itself made (permission decisions), as opposed to a tool's output. */
const harnessMade = new WeakSet<ToolResult>();

/** How long a tool may take to wind down after an interrupt before the loop stops waiting for it. */
const ABORT_GRACE_MS = 3_000;
const DEFAULT_TOOL_TIMEOUT_MS = 20 * 60_000;

export async function runToolCalls(
  calls: ToolUseBlock[],
  tools: AgentTool[],
  opts: ToolCallOptions,
): Promise<ToolResultBlock[]> {
  const results: ToolResultBlock[] = [];
  // Consecutive read-only calls run together; anything with side effects runs alone, in order.
  for (let i = 0; i < calls.length;) {
    const tool = findTool(tools, calls[i]!.name);
    let end = i + 1;
    if (tool?.readOnly) {
      while (end < calls.length && findTool(tools, calls[end]!.name)?.readOnly) end++;
    }
    if (tool?.startsOnly) {
      while (end < calls.length && findTool(tools, calls[end]!.name)?.startsOnly) end++;
    }
    const batch = calls.slice(i, end);
    if (tool?.startsOnly) results.push(...(await runStarts(batch, tools, opts)));
    else results.push(...(await Promise.all(batch.map((call) => runOne(call, tools, opts)))));
    i = end;
  }
  return results;
}

/**
 * Calls that only start something (background_run): asked for permission one by one, in order (a person sees
 * one question at a time), each run as soon as it is allowed, so twenty starts cost one start, not twenty.
 */
async function runStarts(batch: ToolUseBlock[], tools: AgentTool[], opts: ToolCallOptions): Promise<ToolResultBlock[]> {
  const running: Promise<ToolResultBlock>[] = [];
  for (const call of batch) {
    let authorized!: () => void;
    const gate = new Promise<void>((resolve) => { authorized = resolve; });
    const result = runOne(call, tools, opts, authorized);
    running.push(result);
    await Promise.race([gate, result]);
  }
  return Promise.all(running);
}

/** Exact name first; then a case-insensitive match, since models sometimes capitalise tool names. */
function findTool(tools: AgentTool[], name: string): AgentTool | undefined {
  return tools.find((t) => t.name === name) ?? tools.find((t) => t.name.toLowerCase() === name.toLowerCase());
}

async function runOne(
  call: ToolUseBlock, tools: AgentTool[], opts: ToolCallOptions, authorized?: () => void,
): Promise<ToolResultBlock> {
  const tool = findTool(tools, call.name);
  const summary = safeSummary(tool, call.input);
  opts.emit({ type: 'tool_start', id: call.id, name: call.name, input: call.input, summary });
  // The duration is the run's: time spent waiting for the person's approval is not counted.
  const timing = { started: Date.now() };
  const result = await execute(call, tool, tools, opts, timing, authorized);
  opts.emit({ type: 'tool_end', id: call.id, name: call.name, result, durationMs: Date.now() - timing.started });
  // The model sees a permission decision opened with the session's note; front ends show it plain.
  const content = opts.mark && harnessMade.has(result) ? markHarness(result.content, opts.mark) : result.content;
  return {
    type: 'tool_result',
    tool_use_id: call.id,
    content: contentForModel(content),
    ...(result.isError ? { is_error: true } : {}),
  };
}

async function execute(
  call: ToolUseBlock,
  tool: AgentTool | undefined,
  tools: AgentTool[],
  opts: ToolCallOptions,
  timing: { started: number },
  authorized?: () => void,
): Promise<ToolResult> {
  if (!tool) {
    const names = tools.map((t) => t.name).join(', ');
    return { content: `Unknown tool "${call.name}". Available tools: ${names}.`, isError: true };
  }
  if (opts.signal?.aborted) {
    return { content: 'Interrupted by the user before this tool ran.', isError: true };
  }
  if (opts.authorize) {
    try {
      const denied = await opts.authorize(call, tool, opts.signal);
      if (denied) {
        harnessMade.add(denied);
        return denied;
      }
    } catch (err) {
      return { content: `Permission check failed, so ${tool.name} did not run: ${err instanceof Error ? err.message : String(err)}`, isError: true };
    }
    if (opts.signal?.aborted) return { content: 'Interrupted by the user before this tool ran.', isError: true };
    timing.started = Date.now();
  }
  authorized?.();
  const controller = new AbortController();
  const onAbort = () => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;

  const running = Promise.resolve()
    .then(() => tool.execute(call.input, {
      signal: controller.signal,
      toolUseId: call.id,
      onProgress: (text) => opts.emit({ type: 'tool_progress', id: call.id, text }),
    }))
    .catch((err: unknown): ToolResult => ({
      content: `Tool ${tool.name} failed: ${err instanceof Error ? err.message : String(err)}`,
      isError: true,
    }));
  const timedOut = new Promise<ToolResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('tool timeout'));
      resolve({ content: `Tool ${tool.name} did not finish within ${Math.round(timeoutMs / 1000)}s and was stopped.`, isError: true });
    }, timeoutMs);
  });
  // After an interrupt the tool gets a grace period to return its own (partial) result.
  const abandoned = new Promise<ToolResult>((resolve) => {
    controller.signal.addEventListener('abort', () => {
      graceTimer = setTimeout(() => resolve({ content: 'Interrupted by the user.', isError: true }), ABORT_GRACE_MS);
    }, { once: true });
  });
  const shielded = opts.mark
    ? running.then((r) => ({ ...r, content: mapToolResultText(r.content, opts.mark!.shield) }))
    : running;
  try {
    return await Promise.race([shielded, timedOut, abandoned]);
  } finally {
    clearTimeout(timer);
    clearTimeout(graceTimer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function safeSummary(tool: AgentTool | undefined, input: unknown): string {
  try {
    return tool?.summarize?.(input) ?? '';
  } catch {
    return '';
  }
}

/** A harness-made result (a permission decision) opened with the session's note, so the model can trust it. */
function markHarness(content: ToolResult['content'], mark: HarnessMark): ToolResult['content'] {
  if (typeof content === 'string') return `${mark.note} ${content}`;
  return [{ type: 'text', text: mark.note }, ...content];
}
