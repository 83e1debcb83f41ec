// The session object: one conversation in one workspace, with its model, tools, task engine, permissions and
// transcript. Every front end (print mode, the REPL, the terminal UI, stream-json, ACP) and library users
// drive tandem through it. Wiring lives in runtime.ts; this is the small public surface over it.
import type { AgentEvent } from '../core/events.js';
import type { AgentTool, ContentBlock, Message } from '../core/types.js';
import type { TaskManager } from '../tasks/task-manager.js';
import type { ApprovalAnswer, ApprovalRequest } from '../workspace/approval.js';
import type { Mode } from '../workspace/permissions/types.js';
import type { SessionConfig } from './config.js';
import { createRuntime, type Runtime, type RuntimeOptions, type TurnResult } from './runtime.js';
import type { PermissionDenial, ToolHook } from './tool-hooks.js';

/** A question about one tool call that the rules left to someone to answer. */
export type PermissionRequest = ApprovalRequest;
/** `{ kind: 'once' }` allows (optionally with a new input), `{ kind: 'always' }` also saves the suggested rule. */
export type PermissionAnswer = ApprovalAnswer;
export type PermissionHandler = (request: PermissionRequest, signal?: AbortSignal) => Promise<PermissionAnswer>;

/** One prompt's run: iterate its events, or await its result. Iterating is optional; events are buffered. */
export interface Turn extends AsyncIterable<AgentEvent> {
  readonly result: Promise<TurnResult>;
  /** Stops the turn; the conversation stays valid (an interrupted call gets a result saying so). */
  interrupt(): void;
}

export class Session<C extends SessionConfig = SessionConfig> {
  #current: AbortController | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    /** The wiring tandem's own front ends use; library users need only the members below. */
    readonly runtime: Runtime<C>,
  ) {}

  /** Opens (or resumes) a session from a resolved configuration. createSession() resolves one from options. */
  static async open<C extends SessionConfig>(config: C, opts: RuntimeOptions): Promise<Session<C>> {
    return new Session(await createRuntime(config, opts));
  }

  get id(): string { return this.runtime.session.id; }
  /** The transcript file (JSONL, docs/transcript-format.md). */
  get transcriptPath(): string { return this.runtime.session.path; }
  get model(): string { return this.runtime.config.model; }
  get workspaceRoot(): string { return this.runtime.workspace.root; }
  get permissionMode(): Mode { return this.runtime.policy.mode; }
  /** The conversation so far. */
  get messages(): readonly Message[] { return this.runtime.messages; }
  get tools(): readonly AgentTool[] { return this.runtime.tools; }
  /** The background engine: start, list, wait for and kill tasks; `on('notice' | 'start' | 'end', …)`. */
  get tasks(): TaskManager { return this.runtime.tasks; }
  /** Every tool call denied in this session. */
  get denials(): readonly PermissionDenial[] { return this.runtime.denials; }
  /** True while a turn runs. */
  get busy(): boolean { return this.#current !== undefined; }

  /**
   * Sends a prompt and runs the agent until it answers. Prompts sent while a turn runs wait their turn. Task
   * notices that arrived meanwhile reach the model with the prompt.
   */
  prompt(content: string | ContentBlock[], opts: { signal?: AbortSignal; maxTurns?: number } = {}): Turn {
    const events = new EventChannel<AgentEvent>();
    const controller = new AbortController();
    const onAbort = () => controller.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const result = this.#queue.then(async () => {
      this.#current = controller;
      try {
        this.runtime.addUserMessage(content);
        return await this.runtime.runTurn({ signal: controller.signal, maxTurns: opts.maxTurns, emit: (e) => events.push(e) });
      } finally {
        this.#current = undefined;
        opts.signal?.removeEventListener('abort', onAbort);
        events.close();
      }
    });
    this.#queue = result.catch(() => {});
    return {
      result,
      interrupt: () => controller.abort(new Error('interrupted')),
      [Symbol.asyncIterator]: () => events.iterate(),
    };
  }

  /** Interrupts the running turn, if any. */
  interrupt(): void {
    this.#current?.abort(new Error('interrupted'));
  }

  /** Who answers permission questions; without one, calls the rules do not allow are denied. */
  onPermissionRequest(handler: PermissionHandler | undefined): void {
    this.runtime.setApprover(handler);
  }

  /** A hook run before every tool call, ahead of the permission rules. Returns a function that removes it. */
  addToolHook(hook: ToolHook): () => void {
    this.runtime.toolHooks.push(hook);
    return () => {
      const at = this.runtime.toolHooks.indexOf(hook);
      if (at >= 0) this.runtime.toolHooks.splice(at, 1);
    };
  }

  /** Adds a tool (see defineTool) from the next model call on. */
  addTool(tool: AgentTool): void {
    this.runtime.addTool(tool);
  }

  setModel(model: string): void {
    this.runtime.setModel(model);
  }

  setPermissionMode(mode: Mode): void {
    this.runtime.setPermissionMode(mode);
  }

  /** Kills the session's tasks, waits for them to end, and closes the transcript. */
  async close(): Promise<void> {
    this.interrupt();
    await this.runtime.shutdown();
  }
}

/** A buffered single-consumer event stream: pushes never block, iteration ends after close(). */
class EventChannel<T> {
  #items: T[] = [];
  #closed = false;
  #wake: (() => void) | undefined;

  push(item: T): void {
    this.#items.push(item);
    this.#wake?.();
  }

  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  async *iterate(): AsyncGenerator<T> {
    for (;;) {
      while (this.#items.length) yield this.#items.shift()!;
      if (this.#closed) return;
      await new Promise<void>((resolve) => { this.#wake = resolve; });
      this.#wake = undefined;
    }
  }
}
