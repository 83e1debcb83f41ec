// todo_write: the model's plan for a multi-step task, as a list it rewrites whole each time (Claude Code's
// TodoWrite shape). Front ends read the list from the result's details (the UI shows it above the prompt).
import { z } from 'zod';
import type { ToolDetails } from '../core/types.js';
import { defineTool, ToolError } from './tool.js';

const DESCRIPTION = `Keep a todo list for work of 3 or more steps; the user sees it above the prompt.
- Send the whole list each time; statuses: pending, in_progress (one at a time), completed.
- Mark an item completed as soon as it is done, and the next in_progress; activeForm says it as an action ("Running the tests").
- Skip it for one quick step.`;

export type TodoStatus = 'pending' | 'in_progress' | 'completed';
export interface TodoItem { content: string; status: TodoStatus; activeForm?: string }

export interface TodoDetails extends ToolDetails {
  kind: 'todos';
  todos: TodoItem[];
}

export function isTodoDetails(d: ToolDetails | undefined): d is TodoDetails {
  return d?.kind === 'todos' && Array.isArray((d as TodoDetails).todos);
}

const MAX_ITEMS = 100;

export function createTodoWriteTool() {
  const schema = z.object({
    todos: z.array(z.object({
      content: z.string().min(1),
      status: z.enum(['pending', 'in_progress', 'completed']),
      activeForm: z.string().optional(),
    })).max(MAX_ITEMS),
  });
  return defineTool({
    name: 'todo_write',
    description: DESCRIPTION,
    schema,
    summarize: (input) => counts(input.todos),
    async execute(input) {
      const todos: TodoItem[] = input.todos.map((t) => ({
        content: t.content.trim(), status: t.status, ...(t.activeForm?.trim() ? { activeForm: t.activeForm.trim() } : {}),
      }));
      if (todos.some((t) => !t.content)) throw new ToolError('Every todo needs content (what is to be done).');
      const details: TodoDetails = { kind: 'todos', todos };
      const active = todos.filter((t) => t.status === 'in_progress').length;
      const note = active > 1 ? ` Note: ${active} items are in_progress; keep one at a time.` : '';
      return { content: todos.length ? `Todo list updated: ${counts(todos)}.${note}` : 'Todo list cleared.', details };
    },
  });
}

function counts(todos: { status: TodoStatus }[]): string {
  const n = (s: TodoStatus) => todos.filter((t) => t.status === s).length;
  return `${n('completed')}/${todos.length} done, ${n('in_progress')} in progress, ${n('pending')} pending`;
}
