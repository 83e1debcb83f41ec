// The plain line REPL, for dumb terminals and piped input: history across turns, streamed answers, tool lines,
// task commands, and background notices that wake the agent when it is idle.
import readline from 'node:readline';
import type { AgentEvent } from '../core/events.js';
import { describeStatus, type TaskNotice } from '../tasks/notices.js';
import type { Runtime } from '../session/runtime.js';
import { askApproval } from './repl-approval.js';
import { isBuiltinCommand, isPromptCommand, runSlashCommand } from './slash-commands.js';
import { prepareCommand } from '../session/command-prompt.js';
import { runUserShellCommand } from './user-shell.js';
import { toolResultText } from '../core/text.js';
import { formatDuration, toolEndLine, toolStartLine } from './tool-lines.js';

export interface ReplOptions {
  /** Sent as the first prompt (`tandem "fix the tests"` without a terminal UI). */
  initialPrompt?: string;
}

export async function runRepl(rt: Runtime, opts: ReplOptions = {}): Promise<number> {
  const interactive = !!process.stdin.isTTY;
  const rl = readline.createInterface({
    input: process.stdin, output: process.stdout, prompt: 'tandem> ', terminal: interactive,
  });
  const queued: string[] = [];
  let turn: AbortController | undefined;
  let inputClosed = false;
  let lastInterrupt = 0;
  let atLineStart = true;
  let exit!: () => void;
  const exited = new Promise<void>((resolve) => { exit = resolve; });

  const write = (text: string) => {
    if (!text) return;
    process.stdout.write(text);
    atLineStart = text.endsWith('\n');
  };
  const line = (text: string) => write(`${atLineStart ? '' : '\n'}${text}\n`);
  const prompt = () => { if (!inputClosed && !turn) rl.prompt(true); };

  const emit = (event: AgentEvent) => {
    switch (event.type) {
      case 'text_delta': write(event.text); break;
      case 'retry': line(`… ${event.reason}; retrying in ${formatDuration(event.delayMs)}`); break;
      case 'tool_start': line(toolStartLine(event.name, event.summary)); break;
      case 'tool_end': line(toolEndLine(event.name, event.result, event.durationMs)); break;
      case 'info': line(`… ${event.message}`); break;
      case 'error': line(`error: ${event.message}`); break;
      default: break;
    }
  };

  const runTurn = async (): Promise<void> => {
    turn = new AbortController();
    try {
      const result = await rt.runTurn({ signal: turn.signal, emit });
      if (!atLineStart) write('\n');
      if (result.outcome === 'aborted') line('(interrupted; the conversation is kept)');
    } finally {
      turn = undefined;
    }
  };

  /** Runs queued input and wakes for notices until there is nothing to do; one pump at a time. */
  let pumping = false;
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      for (;;) {
        if (rt.config.notify === 'wake' && rt.tasks.pendingNotices() > 0) {
          await runTurn();
          continue;
        }
        const text = queued.shift();
        if (text === undefined) break;
        if (text === 'exit' || text === 'quit') {
          inputClosed = true;
          break;
        }
        if (text.startsWith('!') && text.slice(1).trim()) {
          turn = new AbortController();
          try {
            const result = await runUserShellCommand(rt, text.slice(1).trim(), { signal: turn.signal });
            line(toolResultText(result.content));
          } finally {
            turn = undefined;
          }
          continue;
        }
        if (text.startsWith('/') && !isBuiltinCommand(text)) {
          const prepared = await prepareCommand(rt, text).catch((err: Error) => {
            line(`error: ${err.message}`);
            return null;
          });
          if (prepared === null) continue;
          if (prepared) {
            for (const note of prepared.notes) line(`… ${note}`);
            rt.addUserMessage(prepared.content);
            try {
              await runTurn();
            } finally {
              await prepared.finish();
            }
            continue;
          }
        }
        if (text.startsWith('/') && !isPromptCommand(text)) {
          const reply = await runSlashCommand(text, rt);
          rt.session.recorder.sync();
          if (reply.kind === 'exit') {
            inputClosed = true;
            break;
          }
          line(reply.text);
          continue;
        }
        rt.addUserMessage(text);
        await runTurn();
      }
    } finally {
      pumping = false;
    }
    if (inputClosed) exit();
    else prompt();
  };

  const onNotice = (notice: TaskNotice) => {
    line(`[task ${notice.task.id} ${describeStatus(notice.task)}: ${notice.task.command}]`);
    if (rt.config.notify === 'wake') void pump();
    else prompt();
  };
  rt.tasks.on('notice', onNotice);
  const onMatched = (notice: TaskNotice) => {
    line(`[task ${notice.task.id} printed: ${notice.matches?.lines[0]?.line ?? ''}]`);
    if (rt.config.notify === 'wake') void pump();
    else prompt();
  };
  rt.tasks.on('matched', onMatched);
  rt.setApprover((request, signal) => askApproval(rl, request, line, signal));

  rl.on('line', (input) => {
    const text = input.trim();
    if (text) queued.push(text);
    void pump();
  });
  rl.on('close', () => {
    // Ctrl+D at a terminal leaves now; piped input that ends lets queued work finish first.
    inputClosed = true;
    if (interactive) turn?.abort(new Error('exiting'));
    if (!pumping) exit();
  });
  rl.on('SIGINT', () => {
    if (turn) {
      turn.abort(new Error('interrupted by the user'));
      return;
    }
    const now = Date.now();
    if (rl.line.length === 0 && now - lastInterrupt < 2000) {
      rl.close();
      return;
    }
    lastInterrupt = now;
    rl.write(null, { ctrl: true, name: 'u' });
    line('\n(Ctrl+C again to exit)');
    prompt();
  });

  line(`tandem · ${rt.config.model} · ${rt.workspace.root}\nType /help for commands; exit or Ctrl+D leaves.`);
  if (opts.initialPrompt) {
    queued.push(opts.initialPrompt);
    void pump();
  } else prompt();
  await exited;
  rt.setApprover(undefined);
  rt.tasks.off('notice', onNotice);
  rt.tasks.off('matched', onMatched);
  rl.close();
  return 0;
}
