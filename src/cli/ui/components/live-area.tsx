// The part of the conversation still happening: tools running (spinner, elapsed time, latest output lines)
// and the reply being streamed, cut to the rows it may use.
import { Box, Text } from 'ink';
import { formatDuration } from '../../tool-lines.js';
import { useNow } from '../hooks.js';
import { fitRow, tailRows } from '../layout.js';
import { color } from '../theme.js';
import type { LiveView } from '../transcript.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface LiveAreaProps {
  live: LiveView;
  busy: boolean;
  turnStartedAt?: number;
  width: number;
  /** Rows this area may take, all included. */
  maxRows: number;
}

export function LiveArea({ live, busy, turnStartedAt, width, maxRows }: LiveAreaProps) {
  const animate = busy || live.tools.length > 0;
  const now = useNow(animate ? 100 : 0);
  const frame = SPINNER[Math.floor(now / 100) % SPINNER.length]!;
  // A blank row sets running tools apart from what was printed above them.
  const gap = live.tools.length > 0 && maxRows > 3 ? 1 : 0;
  let budget = maxRows - gap;
  const toolRows = live.tools.map((tool) => {
    if (budget <= 0) return null;
    budget--;
    const progress = tool.progress.slice(-Math.max(0, Math.min(tool.progress.length, budget - 1)));
    budget -= progress.length;
    const head = `${tool.name}${tool.summary ? ` ${tool.summary}` : ''}`;
    return (
      <Box key={tool.id} flexDirection="column">
        <Text>
          <Text color={color.accent}>{frame} </Text>
          <Text>{fitRow(head, Math.max(10, width - 14))}</Text>
          <Text color={color.muted}> {formatDuration(Math.max(0, now - tool.startedAt))}</Text>
        </Text>
        {progress.map((line, i) => <Text key={i} color={color.muted}>{fitRow(`  │ ${line}`, width)}</Text>)}
      </Box>
    );
  });
  const showWaiting = busy && !live.tools.length && budget > 0;
  if (showWaiting) budget--;
  const textRows = tailRows(live.text, Math.max(1, width - 2), budget);
  const elapsed = turnStartedAt ? ` ${formatDuration(Math.max(0, now - turnStartedAt))}` : '';
  return (
    <Box flexDirection="column">
      {textRows.length ? <Box paddingLeft={2}><Text>{textRows.join('\n')}</Text></Box> : null}
      {toolRows.length ? <Box flexDirection="column" marginTop={gap}>{toolRows}</Box> : null}
      {showWaiting ? (
        <Text color={color.muted}><Text color={color.accent}>{frame}</Text> {live.thinking ? 'thinking' : 'working'}…{elapsed} (Ctrl+C to interrupt)</Text>
      ) : null}
    </Box>
  );
}
