// Runs the agent for the UI, as the plain REPL does: one turn at a time, prompts typed meanwhile queued,
// interrupts that keep the conversation valid, and an idle agent woken when a background task ends.
import type { AgentEvent } from '../../core/events.js';
import type { Runtime } from '../../session/runtime.js';
import { expandMentions } from './mentions.js';
import { promptContent } from '../../session/prompt-input.js';
import { modelTakesImages } from '../../providers/image-input.js';
import type { Transcript } from './transcript.js';
import { customCommandOf, prepareCommand } from '../../session/command-prompt.js';
import { isBuiltinCommand, isPromptCommand } from '../slash-commands.js';
import { toolResultText } from '../../core/text.js';

export interface QueuedInput {
  /** What is sent (pastes expanded). */
  text: string;
  /** What the transcript shows (pastes folded). */
  display: string;
}

export interface DriverHooks {
  /** State changed; the view may update (throttled). */
  changed(): void;
  /** Runs a slash command (a line starting with '/'). */
  command(text: string): Promise<void>;
  /** Sees every loop event after the transcript (the todo list follows them). */
  event?(event: AgentEvent): void;
}

export class AgentDriver {
  #turn: AbortController | undefined;
  #queue: QueuedInput[] = [];
  #pumping = false;
  #turnStartedAt: number | undefined;
  #shellRuns = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly transcript: Transcript,
    private readonly hooks: DriverHooks,
  ) {}

  /** True while a turn (or a queued command) is being worked on. */
  get busy(): boolean {
    return this.#pumping;
  }

  get turnStartedAt(): number | undefined {
    return this.#turnStartedAt;
  }

  get queued(): readonly QueuedInput[] {
    return this.#queue;
  }

  /** Queues a prompt or command and works through the queue. */
  submit(input: QueuedInput): void {
    this.#queue.push(input);
    this.hooks.changed();
    void this.pump();
  }

  /** Stops the running turn, if one runs, and drops the queued input, which it returns. */
  interrupt(): QueuedInput[] {
    const dropped = this.#queue.splice(0);
    if (!this.#turn) return dropped;
    this.#turn.abort(new Error('interrupted by the user'));
    return dropped;
  }

  get turnRunning(): boolean {
    return this.#turn !== undefined;
  }

  /** Works until nothing is queued and no notice waits (when waking is on); one pump at a time. */
  async pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    this.hooks.changed();
    try {
      for (;;) {
        if (this.rt.config.notify === 'wake' && this.rt.tasks.pendingNotices() > 0) {
          await this.#runTurn();
          continue;
        }
        const next = this.#queue.shift();
        if (!next) break;
        if (next.text.startsWith('!')) {
          await this.#runShellCommand(next);
          continue;
        }
        if (next.text.startsWith('/') && !isBuiltinCommand(next.text) && customCommandOf(this.rt, next.text)) {
          await this.#runCustomCommand(next);
          continue;
        }
        if (next.text.startsWith('/') && !isPromptCommand(next.text)) {
          await this.hooks.command(next.text);
          this.rt.session.recorder.sync();
          continue;
        }
        this.transcript.add({ kind: 'user', text: next.display });
        const mentions = await expandMentions(next.text, this.rt.workspace);
        for (const note of mentions.notes) this.transcript.add({ kind: 'info', text: note });
        const withImages = await promptContent(next.text, {
          cwd: this.rt.workspace.root, saveDir: this.rt.tasks.logDir, takesImages: modelTakesImages(this.rt.config.model),
          note: (text) => this.transcript.add({ kind: 'info', text }),
        });
        const [typed, ...images] = typeof withImages === 'string' ? [{ type: 'text' as const, text: withImages }] : withImages;
        this.rt.addUserMessage([typed!, ...mentions.blocks, ...images]);
        await this.#runTurn();
      }
    } finally {
      this.#pumping = false;
      this.hooks.changed();
    }
  }

  /**
   * `!command`: the person runs it themselves, as in Claude Code and Codex: no permission question (under the
   * sandbox when there is one), shown as a tool line, and its output goes to the model as context with the next
   * prompt (no turn starts).
   */
  async #runShellCommand(input: QueuedInput): Promise<void> {
    const command = input.text.slice(1).trim();
    const bash = this.rt.tools.find((t) => t.name === 'bash');
    if (!command || !bash) return;
    this.transcript.add({ kind: 'user', text: input.display });
    const id = `user_shell_${++this.#shellRuns}`;
    const turn = new AbortController();
    this.#turn = turn;
    this.#turnStartedAt = Date.now();
    const started = Date.now();
    this.transcript.apply({ type: 'tool_start', id, name: 'bash', input: { command }, summary: command });
    this.hooks.changed();
    try {
      const result = await bash.execute({ command, description: 'typed at the prompt' }, {
        signal: turn.signal, toolUseId: id,
        onProgress: (text) => { this.transcript.apply({ type: 'tool_progress', id, text }); this.hooks.changed(); },
      });
      this.transcript.apply({ type: 'tool_end', id, name: 'bash', result, durationMs: Date.now() - started });
      this.rt.addUserMessage([{ type: 'text', text: userShellContext(command, toolResultText(result.content)) }]);
    } finally {
      this.#turn = undefined;
      this.#turnStartedAt = undefined;
      this.hooks.changed();
    }
  }

  /** A custom command: its expansion is the prompt; what it ran and attached is shown first. */
  async #runCustomCommand(input: QueuedInput): Promise<void> {
    this.transcript.add({ kind: 'user', text: input.display });
    this.hooks.changed();
    const turn = new AbortController();
    this.#turn = turn;
    let prepared;
    try {
      prepared = await prepareCommand(this.rt, input.text, turn.signal);
    } catch (err) {
      this.transcript.add({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
      return;
    } finally {
      this.#turn = undefined;
    }
    if (!prepared) return;
    for (const note of prepared.notes) this.transcript.add({ kind: 'info', text: note });
    try {
      this.rt.addUserMessage(prepared.content);
      await this.#runTurn();
    } finally {
      await prepared.finish();
    }
  }

  async #runTurn(): Promise<void> {
    const turn = new AbortController();
    this.#turn = turn;
    this.#turnStartedAt = Date.now();
    this.hooks.changed();
    const emit = (event: AgentEvent) => {
      this.transcript.apply(event);
      this.hooks.event?.(event);
      this.hooks.changed();
    };
    try {
      const result = await this.rt.runTurn({ signal: turn.signal, emit });
      if (result.outcome === 'aborted') {
        this.transcript.settle();
        this.transcript.add({ kind: 'info', text: 'interrupted; the conversation is kept' });
      }
    } catch (err) {
      this.transcript.settle();
      this.transcript.add({ kind: 'error', text: `the turn failed: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      this.#turn = undefined;
      this.#turnStartedAt = undefined;
      this.hooks.changed();
    }
  }
}

/** What the model is told of a command the person ran at the prompt. */
export function userShellContext(command: string, output: string): string {
  return `<user-shell-command>\nThe user ran this command in the shell themselves (not a request to you); its result is context for what they ask next.\n$ ${command}\n${output}\n</user-shell-command>`;
}
