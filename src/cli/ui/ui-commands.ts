// Slash commands in the terminal UI: /tasks opens the task list, /exit leaves, the rest are the REPL's
// commands (slash-commands.ts) with their replies printed into the conversation.
import { plural } from '../../core/text.js';
import { runSlashCommand } from '../slash-commands.js';
import type { UiController } from './controller.js';

/** Lines of a reply printed at most (a /logs of a chatty task, say); the rest is counted. */
const MAX_REPLY_LINES = 200;

export async function runUiCommand(input: string, ui: UiController): Promise<void> {
  const [name = '', ...args] = input.trim().split(/\s+/);
  if (name === '/tasks') return ui.picker.open(args[0]);
  if (name === '/exit' || name === '/quit') return ui.exit();
  ui.say('user', input.trim());
  let reply;
  try {
    reply = await runSlashCommand(input, ui.runtime);
  } catch (err) {
    return ui.say('error', `${name} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (reply.kind === 'exit') return ui.exit();
  ui.say('output', bounded(reply.text));
}

function bounded(text: string): string {
  const lines = text.split('\n');
  if (lines.length <= MAX_REPLY_LINES) return text;
  return [`[${plural(lines.length - MAX_REPLY_LINES, 'earlier line')} not shown]`, ...lines.slice(-MAX_REPLY_LINES)].join('\n');
}
