// The input: a rule, then the prompt's lines with the cursor drawn as an inverted cell. A long input shows
// the window of lines around the cursor.
import { plural } from '../../../core/text.js';
import { Box, Text } from 'ink';
import { cursorPosition, type EditorState } from '../editor.js';
import { color } from '../theme.js';

export interface PromptViewProps {
  editor: EditorState;
  busy: boolean;
  queued: string[];
  width: number;
  /** Lines of input shown at most. */
  maxLines: number;
}

export function PromptView({ editor, busy, queued, width, maxLines }: PromptViewProps) {
  const lines = editor.text.split('\n');
  const { line: cursorLine, column } = cursorPosition(editor);
  const first = Math.max(0, Math.min(cursorLine - Math.floor(maxLines / 2), lines.length - maxLines));
  const shown = lines.slice(first, first + Math.max(1, maxLines));
  return (
    <Box flexDirection="column">
      {queued.map((q, i) => (
        <Text key={i} color={color.muted} wrap="truncate-end">{`  queued: ${q.replace(/\s+/g, ' ')}`}</Text>
      ))}
      <Text color={color.muted}>{'─'.repeat(Math.max(1, width))}</Text>
      {first > 0 ? <Text color={color.muted}>{`  ↑ ${plural(first, 'more line')}`}</Text> : null}
      {shown.map((text, i) => {
        const n = first + i;
        const prefix = n === 0 ? <Text color={busy ? color.muted : color.user} bold>{'› '}</Text> : <Text>{'  '}</Text>;
        if (n !== cursorLine) return <Text key={n}>{prefix}{text}</Text>;
        const at = [...text.slice(column)][0] ?? ' ';
        return (
          <Text key={n}>
            {prefix}{text.slice(0, column)}<Text inverse>{at}</Text>{text.slice(column + at.length)}
          </Text>
        );
      })}
      {first + shown.length < lines.length ? <Text color={color.muted}>{`  ↓ ${plural(lines.length - first - shown.length, 'more line')}`}</Text> : null}
    </Box>
  );
}
