// One finished item of the conversation, printed once into the terminal's history (ink <Static>).
import { plural } from '../../../core/text.js';
import { Box, Text } from 'ink';
import { formatDuration } from '../../tool-lines.js';
import { fitRow } from '../layout.js';
import { color } from '../theme.js';
import type { Item } from '../transcript.js';

export function HistoryItem({ item, width }: { item: Item; width: number }) {
  switch (item.kind) {
    case 'banner':
      return (
        <Box flexDirection="column" marginBottom={1}>
          <Text bold color={color.accent}>{item.title}</Text>
          <Text color={color.muted}>{item.detail}</Text>
        </Box>
      );
    case 'user':
      return (
        <Box marginTop={1}>
          <Text color={color.user} bold>{'› '}</Text>
          <Text bold>{item.text}</Text>
        </Box>
      );
    case 'assistant':
      return <Box marginTop={1} paddingLeft={2}><Text>{item.text}</Text></Box>;
    case 'tool': {
      const o = item.outcome;
      const tail = ` · ${o.status}${item.durationMs === undefined ? '' : ` · ${formatDuration(item.durationMs)}`}`;
      const summary = item.summary ? fitRow(` ${item.summary}`, Math.max(8, width - item.name.length - tail.length - 3)) : '';
      return (
        <Box flexDirection="column" marginTop={1}>
          <Text>
            <Text color={o.ok ? color.ok : color.bad}>{o.ok ? '✓ ' : '✗ '}</Text>
            <Text bold>{item.name}</Text>
            <Text>{summary}</Text>
            <Text color={color.muted}>{tail}</Text>
          </Text>
          {o.lines.map((line, i) => <Text key={i} color={color.muted} wrap="truncate-end">{`  │ ${line}`}</Text>)}
          {o.more > 0 ? <Text color={color.muted}>{`  │ … +${plural(o.more, 'line')}`}</Text> : null}
          {o.diff?.lines.map((line, i) => <Text key={`d${i}`} wrap="truncate-end">{line}</Text>)}
          {o.diff && o.diff.hidden > 0 ? <Text color={color.muted}>{`        … +${plural(o.diff.hidden, 'diff line')}`}</Text> : null}
        </Box>
      );
    }
    case 'notice':
      return (
        <Box marginTop={1}>
          <Text color={item.ok ? color.ok : color.warn}>{'◆ '}{item.text}</Text>
        </Box>
      );
    case 'info':
      return <Text color={color.muted}>{'· '}{item.text}</Text>;
    case 'error':
      return <Text color={color.bad}>{'✗ '}{item.text}</Text>;
    case 'output':
      return <Box paddingLeft={2}><Text>{item.text}</Text></Box>;
  }
}
