// The model's todo list above the prompt: done items struck through, the one in progress highlighted (as its
// activeForm), the rest pending; cut to the rows it may use around the item in progress.
import { Box, Text } from 'ink';
import { fitRow } from '../layout.js';
import { color } from '../theme.js';
import type { TodoView } from '../todos.js';

/** Rows the panel takes at most: a header and the items. */
export const TODO_MAX_ROWS = 8;

export function todoRows(view: TodoView | undefined, maxRows: number): number {
  if (!view || maxRows < 2) return 0;
  return Math.min(maxRows, TODO_MAX_ROWS, view.todos.length + 1);
}

export function TodoPanel({ view, width, rows }: { view: TodoView; width: number; rows: number }) {
  const items = Math.max(1, rows - 1);
  const active = Math.max(0, view.todos.findIndex((t) => t.status !== 'completed'));
  const first = Math.max(0, Math.min(active - 1, view.todos.length - items));
  const shown = view.todos.slice(first, first + items);
  const hidden = view.todos.length - shown.length;
  return (
    <Box flexDirection="column">
      <Text color={color.muted}>{fitRow(`Todos ${view.done}/${view.todos.length} done${hidden ? ` (${hidden} not shown)` : ''}`, width)}</Text>
      {shown.map((t, i) => {
        const text = fitRow(t.status === 'in_progress' ? t.activeForm ?? t.content : t.content, Math.max(10, width - 4));
        if (t.status === 'completed') return <Text key={first + i} color={color.muted}>  ✔ <Text strikethrough>{text}</Text></Text>;
        if (t.status === 'in_progress') return <Text key={first + i} bold color={color.accent}>  ◼ {text}</Text>;
        return <Text key={first + i}>  ◻ {text}</Text>;
      })}
    </Box>
  );
}
