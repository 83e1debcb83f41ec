// The model's todo list as the UI shows it: the latest todo_write, from its result's details as the agent
// works, or from the conversation when a session is resumed. Hidden once every item is done.
import type { AgentEvent } from '../../core/events.js';
import type { Message } from '../../core/types.js';
import { isTodoDetails, type TodoItem } from '../../tools/todo-write.js';

export interface TodoView {
  todos: TodoItem[];
  done: number;
}

export class TodoState {
  #todos: TodoItem[] = [];

  /** Follows the loop's events; true when the list changed. */
  apply(event: AgentEvent): boolean {
    if (event.type !== 'tool_end' || event.name !== 'todo_write' || event.result.isError) return false;
    if (!isTodoDetails(event.result.details)) return false;
    this.#todos = event.result.details.todos;
    return true;
  }

  /** The list the conversation's last todo_write call left (for a resumed session). */
  restore(messages: readonly Message[]): void {
    for (let i = messages.length - 1; i >= 0; i--) {
      const blocks = messages[i]!.content;
      for (let j = blocks.length - 1; j >= 0; j--) {
        const b = blocks[j]!;
        if (b.type !== 'tool_use' || b.name !== 'todo_write') continue;
        const todos = (b.input as { todos?: unknown })?.todos;
        if (Array.isArray(todos)) this.#todos = todos.filter(isItem);
        return;
      }
    }
  }

  /** Undefined when there is nothing left to do. */
  view(): TodoView | undefined {
    const done = this.#todos.filter((t) => t.status === 'completed').length;
    if (!this.#todos.length || done === this.#todos.length) return undefined;
    return { todos: this.#todos, done };
  }
}

function isItem(x: unknown): x is TodoItem {
  const t = x as TodoItem;
  return typeof t === 'object' && t !== null && typeof t.content === 'string'
    && (t.status === 'pending' || t.status === 'in_progress' || t.status === 'completed');
}
