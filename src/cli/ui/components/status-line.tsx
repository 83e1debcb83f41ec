// The status line, always at the bottom: model, context used, tokens and cost, permission mode, and the
// background tasks (count, the newest with runtimes, one that just ended flashing its status).
import { Box, Text } from 'ink';
import { useNow } from '../hooks.js';
import { fitRow } from '../layout.js';
import { FLASH_MS, type StatusView } from '../status.js';
import { color } from '../theme.js';

export function StatusLine({ status, width }: { status: StatusView; width: number }) {
  const flashing = status.flash !== undefined;
  const now = useNow(flashing ? 250 : 0);
  const age = status.flash ? now - status.flash.at : Infinity;
  const flash = status.flash && age < FLASH_MS ? status.flash : undefined;
  const pct = status.contextPct ?? 0;
  const ctxColor = pct >= 80 ? color.bad : pct >= 60 ? color.warn : color.muted;
  const tasks = status.running
    ? `⚙ ${status.running} running: ${status.newest.map((t) => `${t.id} ${t.label} ${t.runtime}`).join(' · ')}`
    : '';
  const flashText = flash ? fitRow(flash.text, Math.max(10, width - Math.min(tasks.length, width / 2) - 4)) : '';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={color.accent}>{status.model}</Text>
        <Text color={color.muted}> · </Text>
        <Text color={ctxColor}>{status.context}</Text>
        <Text color={color.muted}> · {status.tokens} · {status.cost} · </Text>
        <Text color={status.mode === 'default' ? color.muted : color.warn}>{status.mode}</Text>
      </Text>
      {tasks || flash ? (
        <Text wrap="truncate-end">
          {tasks ? <Text color={color.muted}>{fitRow(tasks, flash ? Math.floor(width / 2) : width)}</Text> : null}
          {tasks && flash ? <Text color={color.muted}> · </Text> : null}
          {flash ? (
            <Text color={flash.ok ? color.ok : color.bad} inverse={Math.floor(age / 500) % 2 === 0}>{flashText}</Text>
          ) : null}
        </Text>
      ) : null}
    </Box>
  );
}
