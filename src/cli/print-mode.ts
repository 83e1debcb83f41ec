// Headless mode (`tandem -p`): one prompt, tool activity on stderr, the answer on stdout as text, one JSON
// object, or a JSON event per line. Background tasks still running at the end are waited for (bounded), and
// the model gets a turn with their notices before tandem exits.
import type { AgentEvent, AgentResult } from '../core/events.js';
import type { TaskSnapshot } from '../tasks/types.js';
import { addUsage, emptyUsage } from '../core/types.js';
import { costOfAll } from '../session/pricing.js';
import { toolResultText } from '../core/text.js';
import type { Config } from './config.js';
import type { Runtime } from '../session/runtime.js';
import { formatDuration, toolEndLine, toolStartLine } from './tool-lines.js';
import { permissionDenials, roundUsd } from './stream-json/sdk-messages.js';
import { prepareCommand, type PreparedCommand } from '../session/command-prompt.js';
import { promptContent } from '../session/prompt-input.js';
import { modelTakesImages } from '../providers/image-input.js';

/** Exit status of a run that succeeded although some tool calls were denied. */
export const DENIED_EXIT = 3;

export interface PrintIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** `piped`: text piped on stdin beside the prompt. */
export async function runPrintMode(rt: Runtime<Config>, prompt: string, io: PrintIO, signal: AbortSignal, piped?: string): Promise<number> {
  const format = rt.config.outputFormat;
  const started = Date.now();
  const emitJson = (obj: unknown) => io.stdout(`${JSON.stringify(obj)}\n`);
  if (format === 'stream-json') {
    emitJson({
      type: 'system', subtype: 'init', session_id: rt.session.id, model: rt.config.model, cwd: rt.workspace.root,
      tools: rt.tools.map((t) => t.name),
    });
  }
  const denialsBefore = rt.denials.length;
  const deniedIds = () => new Set(rt.denials.slice(denialsBefore).map((d) => d.toolUseId));
  const emit = (event: AgentEvent) => {
    if (format === 'stream-json') streamEvent(event, emitJson);
    // A denial's text says how to allow the call: it is printed whole, not cut to one line.
    if (event.type === 'tool_end' && deniedIds().has(event.id)) io.stderr(`  denied: ${toolResultText(event.result.content)}\n`);
    else describeEvent(event, io.stderr);
  };

  // What the session had cost before this run (a resumed one), to report this run's cost, summaries included.
  const costBefore = costOfAll(rt.session.recorder.usageByModel);
  // A custom command (`tandem -p "/review src/"`) is sent as its expansion.
  let command: PreparedCommand | undefined;
  try {
    command = await prepareCommand(rt, prompt, signal);
  } catch (err) {
    io.stderr(`tandem: ${(err as Error).message}\n`);
    return 1;
  }
  for (const note of command?.notes ?? []) io.stderr(`… ${note}\n`);
  rt.addUserMessage(command ? command.content : await promptContent(prompt, {
    cwd: rt.workspace.root, piped, saveDir: rt.tasks.logDir, takesImages: modelTakesImages(rt.config.model),
    note: (line) => io.stderr(`tandem: ${line}\n`),
  }));
  try {
    return await finishRun();
  } finally {
    await command?.finish();
  }

  /** The turns, the wait for background tasks, and the result. */
  async function finishRun(): Promise<number> {
    let usage = emptyUsage();
    let turns = 0;
    let result: AgentResult;
    const deadline = started + rt.config.waitTasksSec * 1000;
    const stillRunning: string[] = [];
    for (;;) {
      const remainingTurns = rt.config.maxTurns === undefined ? undefined : Math.max(0, rt.config.maxTurns - turns);
      result = await rt.runTurn({ signal, emit, maxTurns: remainingTurns });
      usage = addUsage(usage, result.usage);
      turns += result.turns;
      if (result.outcome !== 'end_turn') break;
      // The model ended its turn; tasks it started may still be running. Their notices get it one more turn: the
      // loop's notice hook delivers them.
      const running = runningBackgroundTasks(rt);
      let pending: TaskSnapshot[] = [];
      if (running.length) {
        io.stderr(`… waiting for ${running.length} background task(s): ${running.map((t) => t.id).join(', ')}\n`);
        const waited = await waitOrMatch(rt, running.map((t) => t.id), Math.max(0, deadline - Date.now()), signal);
        if (waited.matched) continue;
        if (waited.interrupted) {
          result = { ...result, outcome: 'aborted' };
          break;
        }
        pending = waited.pending;
      }
      if (rt.tasks.pendingNotices() === 0) {
        stillRunning.push(...pending.map((t) => `${t.id} (${t.command})`));
        break;
      }
    }
    result = { ...result, usage, turns };
    if (stillRunning.length) {
      io.stderr(`tandem: --wait-tasks limit (${rt.config.waitTasksSec}s) reached; killing still-running tasks: ${stillRunning.join(', ')}\n`);
    }

    const durationMs = Date.now() - started;
    const isError = result.outcome !== 'end_turn';
    if (format === 'text') {
      if (result.text) io.stdout(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
    } else {
      const costAfter = costOfAll(rt.session.recorder.usageByModel);
      const cost = costBefore === undefined || costAfter === undefined ? undefined : costAfter - costBefore;
      emitJson({
        type: 'result',
        subtype: result.outcome === 'end_turn' ? 'success' : result.outcome,
        is_error: isError,
        result: result.text,
        ...(result.errorMessage ? { error: result.errorMessage } : {}),
        num_turns: result.turns,
        duration_ms: durationMs,
        usage: result.usage,
        ...(cost === undefined ? {} : { total_cost_usd: roundUsd(cost) }),
        session_id: rt.session.id,
        permission_denials: permissionDenials(rt.denials.slice(denialsBefore)),
        ...(stillRunning.length ? { tasks_still_running: stillRunning } : {}),
      });
    }
    if (result.outcome === 'aborted') return 130;
    if (isError && format === 'text' && result.errorMessage) io.stderr(`tandem: ${result.errorMessage}\n`);
    if (isError) return 1;
    // The answer was given without some call the model asked for: say so in the status (documented in README).
    const denied = rt.denials.length - denialsBefore;
    if (denied) {
      io.stderr(`tandem: ${denied} tool call${denied === 1 ? ' was' : 's were'} denied; the answer may be incomplete (exit status ${DENIED_EXIT})\n`);
      return DENIED_EXIT;
    }
    return 0;
  }
}

/** Waits for the tasks to end, or until a notify_on notice is queued (the model gets a turn for it). */
async function waitOrMatch(rt: Runtime<Config>, ids: string[], ms: number, signal: AbortSignal) {
  const matched = new AbortController();
  const onMatched = () => matched.abort();
  rt.tasks.on('matched', onMatched);
  try {
    const waited = await rt.tasks.wait(ids, 'all', ms, AbortSignal.any([signal, matched.signal]));
    return { ...waited, matched: matched.signal.aborted && !signal.aborted };
  } finally {
    rt.tasks.off('matched', onMatched);
  }
}

function runningBackgroundTasks(rt: Runtime<Config>) {
  // Persistent tasks are meant to outlive this run: print mode does not wait for them.
  return rt.tasks.list().filter((t) => t.status === 'running' && !t.foreground && !t.persistent);
}

/** Progress lines for people: tool activity and notable loop events, on stderr. */
function describeEvent(event: AgentEvent, write: (text: string) => void): void {
  switch (event.type) {
    case 'tool_start': write(`${toolStartLine(event.name, event.summary)}\n`); break;
    case 'tool_end': write(`${toolEndLine(event.name, event.result, event.durationMs)}\n`); break;
    case 'retry': write(`… ${event.reason}; retrying in ${formatDuration(event.delayMs)} (attempt ${event.attempt})\n`); break;
    case 'injected': write(`… delivered ${event.blocks.length} background notice(s) to the model\n`); break;
    case 'info': write(`… ${event.message}\n`); break;
    default: break;
  }
}

function streamEvent(event: AgentEvent, emitJson: (obj: unknown) => void): void {
  switch (event.type) {
    case 'text_delta': emitJson({ type: 'text_delta', text: event.text }); break;
    case 'retry': emitJson({ type: 'retry', attempt: event.attempt, delay_ms: event.delayMs, reason: event.reason }); break;
    case 'assistant_message': emitJson({ type: 'assistant', message: event.message, stop_reason: event.stopReason }); break;
    case 'tool_start': emitJson({ type: 'tool_use', id: event.id, name: event.name, input: event.input }); break;
    case 'tool_end':
      emitJson({
        type: 'tool_result', id: event.id, name: event.name, is_error: !!event.result.isError,
        content: event.result.content, duration_ms: event.durationMs,
      });
      break;
    case 'injected': emitJson({ type: 'notice', content: event.blocks }); break;
    case 'usage': emitJson({ type: 'usage', usage: event.usage, total: event.total }); break;
    case 'error': emitJson({ type: 'error', message: event.message }); break;
    default: break;
  }
}
