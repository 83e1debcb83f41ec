// The background task list (Ctrl+T, /tasks): a table to pick from, or one task's live log tail.
import { Box, Text } from 'ink';
import { describeStatus, formatDuration } from '../../../tasks/notices.js';
import type { TaskSnapshot } from '../../../tasks/types.js';
import { fitRow, tailRows } from '../layout.js';
import type { TaskPickerView } from '../task-picker.js';
import { color } from '../theme.js';

export function TaskList({ view, width, maxRows }: { view: TaskPickerView; width: number; maxRows: number }) {
  const inner = Math.max(10, width - 4);
  const rows = Math.max(3, maxRows - 4);
  if (view.viewing) {
    const { task, log } = view.viewing;
    const lines = tailRows(log || '(no output yet)', inner, rows - 1);
    return (
      <Box flexDirection="column" borderStyle="round" borderColor={color.accent} paddingX={1} width={width}>
        <Text bold wrap="truncate-end">{task.id} · {describeStatus(task)} · {fitRow(task.command, inner / 2)}</Text>
        <Text color={color.muted}>{lines.join('\n')}</Text>
        <Text color={color.muted} wrap="truncate-end">{view.message ? `${view.message}  ` : ''}k kill · Esc back · q close</Text>
      </Box>
    );
  }
  const first = Math.max(0, Math.min(view.selected - Math.floor(rows / 2), view.tasks.length - rows));
  const shown = view.tasks.slice(first, first + rows);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color.accent} paddingX={1} width={width}>
      <Text bold>Background tasks</Text>
      {view.tasks.length === 0 ? <Text color={color.muted}>No background tasks.</Text> : null}
      {shown.map((t, i) => {
        const selected = first + i === view.selected;
        return (
          <Text key={t.id} inverse={selected} wrap="truncate-end">
            {selected ? '› ' : '  '}{row(t, inner - 2)}
          </Text>
        );
      })}
      <Text color={color.muted} wrap="truncate-end">{view.message ? `${view.message}  ` : ''}↑↓ select · Enter log · k kill · Esc close</Text>
    </Box>
  );
}

function row(t: TaskSnapshot, width: number): string {
  const status = t.status === 'exited' ? `exit ${t.exitCode ?? '?'}` : t.status.replace(/_/g, ' ');
  const head = `${t.id.padEnd(5)} ${status.padEnd(12)} ${formatDuration(t.runtimeMs).padStart(7)}  `;
  return head + fitRow(t.description ?? t.command, Math.max(5, width - head.length));
}
