// The UI's state and behaviour without React: routes each key to the dialog, task list or prompt that owns
// it, drives the agent, follows background tasks, and publishes snapshots for the view to draw.
import { describeStatus } from '../../tasks/notices.js';
import type { TaskNotice, TaskSnapshot } from '../../tasks/types.js';
import type { Runtime } from '../../session/runtime.js';
import { BUILTIN_NAMES, promptCommands } from '../slash-commands.js';
import { AgentDriver, type QueuedInput } from './agent-driver.js';
import { Approvals, type ApprovalDialog } from './approvals.js';
import { complete } from './completion.js';
import { HistoryStore } from './history-store.js';
import type { KeyEvent } from './keys.js';
import { afterSubmit, initialPrompt, promptKey, withEditor, type PromptState } from './prompt-state.js';
import { FLASH_MS, statusView, type StatusView } from './status.js';
import { Store } from './store.js';
import { TaskPicker, type TaskPickerView } from './task-picker.js';
import { Transcript, type Item, type LiveView } from './transcript.js';
import { runUiCommand } from './ui-commands.js';
import { TodoState, type TodoView } from './todos.js';

export interface UiSnapshot {
  items: readonly Item[];
  live: LiveView;
  busy: boolean;
  turnStartedAt?: number;
  queued: string[];
  prompt: PromptState;
  /** One line under the input: completion candidates, "Ctrl+C again to exit", ... */
  hint?: string;
  dialog?: ApprovalDialog;
  tasks?: TaskPickerView;
  status: StatusView;
  todos?: TodoView;
}

export interface ControllerOptions {
  columns: () => number;
  history?: HistoryStore;
  now?: () => number;
}

const EXIT_WINDOW_MS = 2000;
const EXIT_HINT = 'Press Ctrl+C again to exit.';
export const UI_COMMANDS = BUILTIN_NAMES;

export class UiController {
  readonly store: Store<UiSnapshot>;
  readonly transcript: Transcript;
  readonly driver: AgentDriver;
  readonly approvals: Approvals;
  readonly picker: TaskPicker;
  readonly todos = new TodoState();
  readonly exited: Promise<void>;
  #exit!: () => void;
  #prompt: PromptState;
  #hint: string | undefined;
  #lastCtrlC = 0;
  #exitHintTimer: NodeJS.Timeout | undefined;
  #flash: { task: TaskSnapshot; at: number } | undefined;
  #tasks: TaskSnapshot[] = [];
  #ticker: NodeJS.Timeout | undefined;
  #history: HistoryStore;
  #now: () => number;

  constructor(private readonly rt: Runtime, private readonly opts: ControllerOptions) {
    this.#now = opts.now ?? Date.now;
    this.#history = opts.history ?? HistoryStore.inHome(rt.config.home);
    this.#prompt = initialPrompt(this.#history.entries);
    this.exited = new Promise((resolve) => { this.#exit = resolve; });
    this.transcript = new Transcript({ root: rt.workspace.root, width: () => opts.columns() - 2, now: this.#now });
    const changed = () => this.store.publish();
    this.approvals = new Approvals(() => this.store.publishNow(), (request, answer) => {
      const what = answer.kind === 'once' ? 'allowed once' : answer.kind === 'always' ? `allowed always (${request.suggestedRule})` : 'denied';
      const why = answer.kind === 'deny' && answer.reason ? `: ${answer.reason}` : '';
      this.transcript.add({ kind: answer.kind === 'deny' ? 'error' : 'info', text: `${what}: ${request.agent ? `subagent ${request.agent}: ` : ''}${request.tool} ${request.summary}${why}` });
    });
    this.picker = new TaskPicker(rt.tasks, () => this.store.publishNow());
    this.todos.restore(rt.messages);
    this.driver = new AgentDriver(rt, this.transcript, {
      changed, command: (text) => runUiCommand(text, this), event: (event) => this.todos.apply(event),
    });
    this.store = new Store(() => this.#snapshot());
  }

  get runtime(): Runtime {
    return this.rt;
  }

  /** Subscribes to the runtime; call once the view is mounted. */
  start(): void {
    this.rt.setApprover(this.approvals.approver);
    this.rt.tasks.on('notice', this.#onNotice);
    this.rt.tasks.on('matched', this.#onMatched);
    this.rt.tasks.on('start', this.#onTasksChanged);
    this.rt.tasks.on('end', this.#onTaskEnd);
    this.#ticker = setInterval(() => this.#tick(), 1000);
    this.#ticker.unref?.();
    this.#tasks = this.rt.tasks.list();
    this.store.publishNow();
    // Notices from before the UI started (none normally) still wake the agent.
    if (this.rt.config.notify === 'wake' && this.rt.tasks.pendingNotices() > 0) void this.driver.pump();
  }

  stop(): void {
    this.rt.setApprover(undefined);
    this.rt.tasks.off('notice', this.#onNotice);
    this.rt.tasks.off('matched', this.#onMatched);
    this.rt.tasks.off('start', this.#onTasksChanged);
    this.rt.tasks.off('end', this.#onTaskEnd);
    clearInterval(this.#ticker);
    clearTimeout(this.#exitHintTimer);
    this.picker.close();
    this.store.close();
  }

  /** A line from the runtime (compaction, saved rules, ...). */
  log(line: string): void {
    this.transcript.add({ kind: 'info', text: line });
    this.store.publish();
  }

  say(kind: 'user' | 'info' | 'output' | 'error', text: string): void {
    this.transcript.add({ kind, text });
    this.store.publish();
  }

  exit(): void {
    this.driver.interrupt();
    this.approvals.cancel('tandem is exiting');
    this.#exit();
  }

  key(ev: KeyEvent): void {
    const k = ev.type === 'key' ? ev.key : undefined;
    if (k?.ctrl && k.name === 'c') return this.#ctrlC();
    if (this.approvals.key(ev)) return;
    if (this.picker.key(ev)) return;
    if (k?.ctrl && k.name === 'b') return this.backgroundForeground();
    if (k?.ctrl && k.name === 't') return this.picker.open();
    if (k?.name === 'escape' && !k.meta) return this.#setHint(undefined);
    const { state, effect } = promptKey(this.#prompt, ev);
    this.#prompt = state;
    if (k?.name !== 'tab') this.#hint = undefined;
    if (effect?.type === 'submit') this.#submit(effect.text, state.editor.text, effect.entry);
    else if (effect?.type === 'complete') this.#complete();
    else if (effect?.type === 'eof') this.exit();
    this.store.publishNow();
  }

  /** Ctrl+B: the foreground command the agent waits for goes on running in the background. */
  backgroundForeground(): void {
    const fg = this.rt.tasks.list().filter((t) => t.foreground && t.status === 'running');
    if (!fg.length) return this.#setHint('No foreground command is running (Ctrl+B moves one to the background).');
    for (const t of fg) {
      this.rt.tasks.background(t.id);
      this.transcript.add({ kind: 'info', text: `moved ${t.id} to the background: ${t.command}` });
    }
    this.#onTasksChanged();
  }

  /** Sends a prompt as if typed and entered (the command line's prompt). */
  submitPrompt(text: string): void {
    this.#submit(text, text, text);
  }

  #submit(text: string, display: string, entry: string): void {
    this.#history.add(entry);
    this.#prompt = afterSubmit(this.#prompt, entry);
    const trimmed = text.trim();
    if (trimmed === 'exit' || trimmed === 'quit') return this.exit();
    if (trimmed.startsWith('/') && IMMEDIATE.has(trimmed.split(/\s+/)[0]!)) {
      void runUiCommand(trimmed, this);
      return;
    }
    this.driver.submit({ text: trimmed, display: display.trim() });
  }

  #complete(): void {
    const { editor, candidates } = complete(this.#prompt.editor, { commands: this.#commandNames(), cwd: this.rt.workspace.root });
    this.#prompt = withEditor(this.#prompt, editor);
    this.#hint = candidates.length ? candidates.join('  ') : undefined;
  }

  /** Built-in and custom command names, for completion. */
  #commandNames(): string[] {
    return [...new Set([...UI_COMMANDS, ...this.rt.commands.list().map((c) => c.name), ...promptCommands(this.rt).map((p) => p.command)])];
  }

  #ctrlC(): void {
    if (this.approvals.dialog) {
      this.driver.interrupt();
      this.approvals.cancel();
    } else if (this.picker.view) {
      this.picker.close();
    } else if (this.driver.turnRunning) {
      const dropped = this.driver.interrupt();
      if (dropped.length) this.transcript.add({ kind: 'info', text: `dropped ${dropped.length} queued ${dropped.length === 1 ? 'prompt' : 'prompts'}` });
    } else if (this.#prompt.editor.text) {
      this.#prompt = initialPrompt(this.#prompt.history);
      this.#hint = undefined;
    } else if (this.#now() - this.#lastCtrlC < EXIT_WINDOW_MS) {
      return this.exit();
    } else {
      this.#lastCtrlC = this.#now();
      this.#hint = EXIT_HINT;
      // The second press only works within the window: the hint goes when the window ends.
      clearTimeout(this.#exitHintTimer);
      this.#exitHintTimer = setTimeout(() => {
        if (this.#hint === EXIT_HINT) this.#setHint(undefined);
      }, EXIT_WINDOW_MS);
      this.#exitHintTimer.unref?.();
    }
    this.store.publishNow();
  }

  #setHint(hint: string | undefined): void {
    this.#hint = hint;
    this.store.publishNow();
  }

  #onNotice = (notice: TaskNotice): void => {
    const t = notice.task;
    const ok = t.status === 'exited' && t.exitCode === 0;
    this.transcript.add({ kind: 'notice', ok, text: `task ${t.id} ${describeStatus(t)}: ${t.description ?? t.command}` });
    this.store.publish();
    if (this.rt.config.notify === 'wake') void this.driver.pump();
  };

  /** A notify_on match: shown as a line, and (in wake mode) the model is told now. */
  #onMatched = (notice: TaskNotice): void => {
    const first = notice.matches?.lines[0]?.line ?? '';
    this.transcript.add({ kind: 'notice', ok: false, text: `task ${notice.task.id} printed: ${first}` });
    this.store.publish();
    if (this.rt.config.notify === 'wake') void this.driver.pump();
  };

  #onTaskEnd = (task: TaskSnapshot): void => {
    if (!task.foreground) this.#flash = { task, at: this.#now() };
    this.#onTasksChanged();
  };

  #onTasksChanged = (): void => {
    this.#tasks = this.rt.tasks.list();
    this.store.publish();
  };

  #tick(): void {
    const running = this.#tasks.some((t) => t.status === 'running');
    const flashing = this.#flash && this.#now() - this.#flash.at < FLASH_MS + 1000;
    if (running) this.#tasks = this.rt.tasks.list();
    if (running || flashing || this.driver.busy) this.store.publish();
  }

  #snapshot(): UiSnapshot {
    this.transcript.flushText();
    return {
      items: this.transcript.items(),
      live: this.transcript.live(),
      busy: this.driver.busy,
      turnStartedAt: this.driver.turnStartedAt,
      queued: this.driver.queued.map((q: QueuedInput) => q.display),
      prompt: this.#prompt,
      hint: this.#hint,
      dialog: this.approvals.dialog,
      tasks: this.picker.view,
      todos: this.todos.view(),
      status: statusView({
        model: this.rt.config.model,
        mode: this.rt.policy.mode,
        lastUsage: this.rt.compactor.lastUsage,
        contextWindow: this.rt.contextWindow,
        usageByModel: this.rt.session.recorder.usageByModel,
        tasks: this.#tasks,
        flash: this.#flash,
        now: this.#now(),
      }),
    };
  }
}

/** Commands that run at once, even while the agent works; the rest wait their turn in the queue. */
const IMMEDIATE = new Set(['/help', '/tasks', '/kill', '/logs', '/cost', '/permissions', '/hooks', '/exit', '/quit']);
