// How a task's state is put into words. One status sentence (describeStatus) serves notices, checks and kill
// results alike; formatNotice wraps an ended task's report in markup that command output cannot forge.
import { constants } from 'node:os';
import type { HarnessMark } from '../core/harness-mark.js';
import { formatDuration } from '../core/text.js';
import type { KilledBy, OutputMatches, TaskNotice, TaskSnapshot } from './types.js';
import { formatAgentNotice } from './agent-notice.js';

export type { TaskNotice } from './types.js';

export const NOTICE_TAG = 'tandem-task-notice';

const BY: Record<KilledBy, string> = {
  model: 'the model',
  user: 'the user',
  timeout: 'its timeout',
  shutdown: 'tandem shutting down',
};

const signalByNumber = new Map<number, string>(Object.entries(constants.signals).map(([n, v]) => [v, n]));

/** "exited with code 1", "killed by the model (SIGTERM)", "timed out after 300s and was killed (SIGTERM)". */
export function describeStatus(t: TaskSnapshot): string {
  switch (t.status) {
    case 'running':
      if (t.agent) return `running for ${formatDuration(t.runtimeMs)}, ${t.agent.toolCalls} tool call${t.agent.toolCalls === 1 ? '' : 's'} so far`;
      return `running for ${formatDuration(t.runtimeMs)}`;
    case 'failed_to_start':
      return `failed to start: ${t.failReason ?? 'unknown reason'}`;
    case 'timed_out':
      return `timed out after ${formatDuration(t.timeoutMs ?? t.runtimeMs)} and was killed${killDetail(t)}`;
    case 'killed':
      return `killed by ${BY[t.killedBy ?? 'model']}${killDetail(t)}`;
    case 'exited':
      if (t.agent) return t.agent.error ? `failed: ${t.agent.error}` : 'finished';
      if (t.signal) return `died of signal ${t.signal} (not sent by tandem)`;
      return `exited with code ${t.exitCode ?? '?'}${exitCodeHint(t.exitCode)}`;
  }
}

function killDetail(t: TaskSnapshot): string {
  if (t.signal === 'SIGKILL') return ' (SIGKILL: it was still running after SIGTERM)';
  return t.signal ? ` (${t.signal})` : '';
}

/** Shell conventions that make a bare number readable; the number itself is always shown. */
function exitCodeHint(code: number | undefined): string {
  if (code === 126) return ' (found but not executable)';
  if (code === 127) return ' (command not found)';
  if (code !== undefined && code > 128 && code < 128 + 65) {
    const name = signalByNumber.get(code - 128);
    if (name) return ` (128+${code - 128}: how a shell reports a process ended by ${name})`;
  }
  return '';
}

/** Re-exported for the engine's callers; the one implementation is in core/text. */
export { formatDuration };

/**
 * Makes text unable to open or close a notice: any spelling of the tag name (any case, `<`, `&lt;`, `</`)
 * gets a zero-width space inside it, so it reads the same to a person but never matches the real markup.
 */
export function neutralize(text: string): string {
  return text.replace(/tandem(\s*)-(\s*)task(\s*)-(\s*)notice/gi, (m) => m.replace(/-/, '\u200b-'));
}

/**
 * The text block the model receives when a background task has ended. With the session's mark, the tag opens
 * and closes with its key and the outside text inside (command, description, output) is shielded from it, so
 * output that forges a notice or its end never reads as one.
 */
export function formatNotice(notice: TaskNotice, mark?: HarnessMark): string {
  const t = notice.task;
  if (t.agent) return formatAgentNotice(t, t.agent, mark);
  if (notice.matches) return formatMatchNotice(notice, notice.matches, mark);
  const outside = outsideText(mark);
  const attrs = [...(mark ? [`key="${mark.key}"`] : []), `id="${attr(t.id)}"`, `status="${t.status}"`];
  if (t.exitCode !== undefined) attrs.push(`exit_code="${t.exitCode}"`);
  if (t.signal) attrs.push(`signal="${t.signal}"`);
  attrs.push(`runtime="${formatDuration(t.runtimeMs)}"`);
  const what = notice.reattached
    ? `persistent background task ${t.id} is still running (started before tandem restarted; re-attached): `
    : `background task ${t.id} ended: `;
  const lines = [
    `<${NOTICE_TAG} ${attrs.join(' ')}>`,
    `This is an automatic notice from the tandem harness (not from the user): ${what}${describeStatus(t)}.`,
    `command: ${outside(oneLineCommand(t.command))}`,
  ];
  if (t.description) lines.push(`description: ${outside(t.description.replace(/\s+/g, ' '))}`);
  if (notice.tail) {
    lines.push(notice.reattached ? 'output since you last saw it:' : 'last lines of output:', outside(notice.tail));
  } else {
    lines.push('(no output)');
  }
  lines.push(`full log: ${t.logPath}`, closingTag(mark));
  return lines.join('\n');
}

/** Outside text inside a notice: unable to carry the session's key, and no exact tag spelling. */
export function outsideText(mark?: HarnessMark): (text: string) => string {
  return (text) => neutralize(mark ? mark.shield(text) : text);
}

export function openingTag(mark: HarnessMark | undefined, attrs: string[]): string {
  return `<${NOTICE_TAG} ${[...(mark ? [`key="${mark.key}"`] : []), ...attrs].join(' ')}>`;
}

export function closingTag(mark?: HarnessMark): string {
  return mark ? `</${NOTICE_TAG} key="${mark.key}">` : `</${NOTICE_TAG}>`;
}

/** A notify_on notice: the lines that matched, what was folded, and that the task goes on. */
function formatMatchNotice(notice: TaskNotice, m: OutputMatches, mark?: HarnessMark): string {
  const t = notice.task;
  const outside = outsideText(mark);
  const count = m.lines.length + m.folded;
  const lines = [
    openingTag(mark, [`id="${attr(t.id)}"`, `status="${t.status}"`, 'event="output_matched"']),
    `This is an automatic notice from the tandem harness (not from the user): background task ${t.id} printed `
      + `${count} line${count === 1 ? '' : 's'} matching its notify_on pattern /${outside(m.pattern)}/ `
      + `(${t.status === 'running' ? 'it is still running' : 'its end is reported separately'}).`,
    `command: ${outside(oneLineCommand(t.command))}`,
  ];
  if (t.description) lines.push(`description: ${outside(t.description.replace(/\s+/g, ' '))}`);
  if (m.lines.length) lines.push('matching lines:', outside(m.lines.map((l) => l.line).join('\n')));
  if (m.folded) lines.push(`[${m.folded} more matching line${m.folded === 1 ? '' : 's'} folded into this notice; read the log or check_background with a filter]`);
  if (m.skippedBytes) lines.push(`[${m.skippedBytes} bytes of output came too fast to be searched]`);
  lines.push(`full log: ${t.logPath}`, closingTag(mark));
  return lines.join('\n');
}

function attr(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]/g, '');
}

function oneLineCommand(command: string): string {
  const flat = command.replace(/\s*\n\s*/g, ' ⏎ ');
  return flat.length > 500 ? `${flat.slice(0, 499)}…` : flat;
}
