// A resumed session's last turns, put into the UI's conversation before the prompt (`tandem -c`), so the person
// sees where they left off; the terminal's scrollback holds them like any other turn.
import { oneLine } from '../../core/text.js';
import type { ContentBlock, Message, ToolResult } from '../../core/types.js';
import { renderMarkdown } from './markdown.js';
import { toolOutcome } from './tool-outcome.js';
import type { Transcript } from './transcript.js';

/** Prompts (with what followed each) shown from a resumed conversation. */
export const RESUMED_TURNS = 10;

export interface ResumedView {
  width: number;
  /** A tool's one-line summary of its input ("npm test", "src/a.ts"), as the live view shows it. */
  summarize(tool: string, input: unknown): string | undefined;
}

export function showResumedConversation(transcript: Transcript, messages: readonly Message[], view: ResumedView): void {
  const prompts = messages.map((m, i) => (m.role === 'user' && typedText(m.content) !== undefined ? i : -1)).filter((i) => i >= 0);
  const from = prompts.length > RESUMED_TURNS ? prompts[prompts.length - RESUMED_TURNS]! : 0;
  if (from > 0) transcript.add({ kind: 'info', text: `… ${from} earlier messages of this session not shown` });
  const results = new Map<string, ToolResult>();
  for (const m of messages) {
    for (const b of m.content) {
      if (b.type === 'tool_result') results.set(b.tool_use_id, { content: b.content, isError: b.is_error });
    }
  }
  for (const m of messages.slice(from)) {
    if (m.role === 'user') {
      const text = typedText(m.content);
      if (text !== undefined) transcript.add({ kind: 'user', text });
      continue;
    }
    for (const b of m.content) {
      if (b.type === 'text' && b.text.trim()) transcript.add({ kind: 'assistant', text: renderMarkdown(b.text, view.width) });
      if (b.type === 'tool_use') {
        const result = results.get(b.id) ?? { content: '(no result recorded)', isError: true };
        transcript.add({ kind: 'tool', name: b.name, summary: view.summarize(b.name, b.input) ?? summaryOf(b.input), outcome: toolOutcome(b.name, result) });
      }
    }
  }
  transcript.add({ kind: 'info', text: 'resumed: the conversation above continues' });
}

/** What the person typed in a user message (text blocks that are not harness notices), if any. */
function typedText(content: ContentBlock[]): string | undefined {
  const texts = content.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text)
    .filter((t) => !/^\s*<(tandem-task-notice|user-shell-command|file |system-reminder)/.test(t));
  return texts.length ? texts.join('\n').trim() || undefined : undefined;
}

function summaryOf(input: unknown): string {
  const o = (input ?? {}) as Record<string, unknown>;
  const first = o.command ?? o.path ?? o.pattern ?? o.name ?? o.id;
  return typeof first === 'string' ? oneLine(first, 80) : '';
}
