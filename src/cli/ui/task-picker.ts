// The task list (Ctrl+T or /tasks): pick a task with the arrows, Enter to follow its live log tail, k to
// kill it, Esc to go back. Reads the engine on a timer while open, so fast output costs nothing extra.
import type { TaskManager } from '../../tasks/task-manager.js';
import type { TaskSnapshot } from '../../tasks/types.js';
import type { KeyEvent } from './keys.js';

export interface TaskPickerView {
  tasks: TaskSnapshot[];
  selected: number;
  /** The task whose log is shown, with its latest lines. */
  viewing?: { task: TaskSnapshot; log: string };
  message?: string;
}

type Engine = Pick<TaskManager, 'list' | 'get' | 'readAll' | 'kill'>;

export const LOG_TAIL_LINES = 200;
const REFRESH_MS = 250;

export class TaskPicker {
  #view: TaskPickerView | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly engine: Engine, private readonly changed: () => void) {}

  get view(): TaskPickerView | undefined {
    return this.#view;
  }

  open(viewId?: string): void {
    this.#view = { tasks: [], selected: 0 };
    this.refresh();
    const tasks = this.#view.tasks;
    // Newest first, so the selection starts on the most recent task.
    if (viewId) {
      const i = tasks.findIndex((t) => t.id === viewId);
      if (i >= 0) this.#view.selected = i;
      this.#viewSelected();
    }
    this.#timer ??= setInterval(() => { this.refresh(); this.changed(); }, REFRESH_MS);
    this.#timer.unref?.();
    this.changed();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#view = undefined;
    this.changed();
  }

  refresh(): void {
    const v = this.#view;
    if (!v) return;
    v.tasks = this.engine.list().reverse();
    v.selected = Math.min(v.selected, Math.max(0, v.tasks.length - 1));
    if (v.viewing) {
      const task = this.engine.get(v.viewing.task.id) ?? v.viewing.task;
      v.viewing = { task, log: this.engine.readAll(task.id, { tail: LOG_TAIL_LINES, maxChars: 20_000 }) };
    }
  }

  key(ev: KeyEvent): boolean {
    const v = this.#view;
    if (!v) return false;
    const k = ev.type === 'key' ? ev.key : undefined;
    const ch = ev.type === 'text' ? ev.text : '';
    if (k?.name === 'escape' || k?.name === 'left' || ch === 'q') {
      if (v.viewing && ch !== 'q') {
        v.viewing = undefined;
        this.changed();
      } else this.close();
      return true;
    }
    if (!v.viewing && (k?.name === 'up' || k?.name === 'down')) {
      v.selected = Math.max(0, Math.min(v.tasks.length - 1, v.selected + (k.name === 'up' ? -1 : 1)));
      v.message = undefined;
      this.changed();
    } else if (!v.viewing && (k?.name === 'return' || k?.name === 'right')) {
      this.#viewSelected();
      this.changed();
    } else if (ch === 'k' || ch === 'K') {
      void this.#kill();
    }
    return true;
  }

  #viewSelected(): void {
    const v = this.#view!;
    const task = v.tasks[v.selected];
    if (task) v.viewing = { task, log: '' };
    this.refresh();
  }

  async #kill(): Promise<void> {
    const v = this.#view!;
    const task = v.viewing?.task ?? v.tasks[v.selected];
    if (!task) return;
    if (task.status !== 'running') {
      v.message = `${task.id} is not running.`;
      this.changed();
      return;
    }
    v.message = `killing ${task.id}…`;
    this.changed();
    const snap = await this.engine.kill(task.id, 'user');
    if (this.#view) {
      this.#view.message = `${snap.id} killed.`;
      this.refresh();
      this.changed();
    }
  }
}
