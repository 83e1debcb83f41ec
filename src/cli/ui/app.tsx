// The screen: finished conversation items printed once (<Static>), then the live part, the input or the
// open dialog, a hint line and the status line. Everything below <Static> fits in the terminal's rows.
import { Box, Static, Text } from 'ink';
import { ApprovalDialog } from './components/approval-dialog.js';
import { HistoryItem } from './components/history-item.js';
import { LiveArea } from './components/live-area.js';
import { PromptView } from './components/prompt-view.js';
import { StatusLine } from './components/status-line.js';
import { TaskList } from './components/task-list.js';
import { TodoPanel, todoRows } from './components/todo-panel.js';
import type { UiController } from './controller.js';
import { useKeys, useSnapshot, useTerminalSize } from './hooks.js';
import { fitRow } from './layout.js';
import { color } from './theme.js';

export function App({ controller }: { controller: UiController }) {
  const snap = useSnapshot(controller.store);
  const { columns, rows } = useTerminalSize();
  useKeys(controller.key.bind(controller));
  const width = Math.max(20, columns);
  const statusRows = snap.status.running || snap.status.flash ? 2 : 1;
  const hintRows = snap.hint ? 1 : 0;
  // Rows the input may use: a third of the screen, and never so many that nothing else fits.
  const inputLines = Math.max(1, Math.min(snap.prompt.editor.text.split('\n').length, Math.floor(rows / 3)));
  const queuedRows = Math.min(snap.queued.length, 3);
  const free = Math.max(0, rows - 1 - statusRows - hintRows);
  const dialogOpen = snap.dialog || snap.tasks;
  const inputRows = dialogOpen ? 0 : inputLines + queuedRows + 3;
  const dialogRows = dialogOpen ? Math.max(6, free - 4) : 0;
  // The todo list sits above the prompt and gives way to a dialog; it takes rows from the live part.
  const todos = dialogOpen ? 0 : todoRows(snap.todos, Math.floor((free - inputRows) / 2));
  const liveRows = Math.max(0, free - inputRows - dialogRows - todos);
  return (
    <>
      <Static items={snap.items as never[]}>
        {(item: (typeof snap.items)[number]) => <Box key={item.id} width={width}><HistoryItem item={item} width={width} /></Box>}
      </Static>
      <LiveArea live={snap.live} busy={snap.busy} turnStartedAt={snap.turnStartedAt} width={width} maxRows={liveRows} />
      {snap.dialog ? (
        <ApprovalDialog dialog={snap.dialog} width={width} maxRows={dialogRows} />
      ) : snap.tasks ? (
        <TaskList view={snap.tasks} width={width} maxRows={dialogRows} />
      ) : (
        <>
          {todos && snap.todos ? <TodoPanel view={snap.todos} width={width} rows={todos} /> : null}
          <PromptView editor={snap.prompt.editor} busy={snap.busy} queued={snap.queued.slice(-queuedRows)} width={width} maxLines={inputLines} />
        </>
      )}
      {snap.hint ? <Text color={color.muted}>{fitRow(snap.hint, width)}</Text> : null}
      <StatusLine status={snap.status} width={width} />
    </>
  );
}
