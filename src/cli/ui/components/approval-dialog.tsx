// The permission question: the command (parts that need approval marked) or the diff of an edit, then
// y / a / n, and after n a line for the reason the model will read.
import { plural } from '../../../core/text.js';
import { Box, Text } from 'ink';
import type { ApprovalDialog as Dialog } from '../approvals.js';
import { colorUnifiedDiff } from '../diff-view.js';
import { fitRow } from '../layout.js';
import { color, paint } from '../theme.js';

export function ApprovalDialog({ dialog, width, maxRows }: { dialog: Dialog; width: number; maxRows: number }) {
  const { request, step, reason } = dialog;
  const inner = Math.max(10, width - 4);
  const body: string[] = [];
  if (request.command) {
    body.push(`$ ${markParts(request.command.text, request.command.partsNeedingApproval)}`);
    // Each part that asks, with why: the one place the dialog says it (the title already asks the question).
    request.command.partsNeedingApproval.forEach((part, i) => {
      const why = request.command!.whyParts?.[i];
      body.push(paint.dim(`  ${fitRow(why ? `${part}: ${why}` : `needs approval: ${part}`, inner - 2)}`));
    });
  } else {
    body.push(request.summary);
    if (request.diff) {
      const diff = colorUnifiedDiff(request.diff, Math.max(3, maxRows - 8));
      body.push(...diff.lines);
      if (diff.hidden) body.push(paint.dim(`… +${plural(diff.hidden, 'diff line')}`));
    }
  }
  const always = request.suggestedRule ? `  [a] always (adds ${request.suggestedRule})` : '';
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color.warn} paddingX={1} width={width}>
      <Text bold color={color.warn} wrap="truncate-end">Permission needed: {request.tool}{request.agent ? ` (asked by subagent ${request.agent})` : ''}</Text>
      {request.command?.whyParts ? null : <Text color={color.muted} wrap="truncate-end">{request.reason}</Text>}
      {body.slice(0, Math.max(2, maxRows - 6)).map((line, i) => <Text key={i} wrap="truncate-end">{line}</Text>)}
      {step === 'choose' ? (
        <Text wrap="truncate-end"><Text bold>[y]</Text> yes{always}  <Text bold>[n]</Text> no  <Text color={color.muted}>(Esc denies)</Text></Text>
      ) : (
        <Text>
          <Text color={color.muted}>Tell the model why (Enter to send, empty to skip): </Text>
          {reason.text.slice(0, reason.cursor)}<Text inverse>{reason.text[reason.cursor] ?? ' '}</Text>{reason.text.slice(reason.cursor + 1)}
        </Text>
      )}
    </Box>
  );
}

/** The command with each part that needs approval highlighted (first occurrence of each). */
function markParts(command: string, parts: string[]): string {
  let out = command;
  for (const part of parts) {
    const at = out.indexOf(part);
    if (part && at >= 0) out = out.slice(0, at) + paint.mark(part) + out.slice(at + part.length);
  }
  return out;
}
