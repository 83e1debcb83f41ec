// The notice a background subagent's end produces: its status and its final report, whole (up to a bound), in
// the same markup as a command's notice, so nothing the subagent wrote can pose as the harness.
import { formatDuration } from '../core/text.js';
import type { HarnessMark } from '../core/harness-mark.js';
import { closingTag, describeStatus, openingTag, outsideText } from './notices.js';
import type { AgentTaskInfo, TaskSnapshot } from './types.js';

/** A report longer than this is cut in the notice; the whole of it stays in the task's log. */
export const AGENT_REPORT_CHARS = 20_000;

export function formatAgentNotice(t: TaskSnapshot, agent: AgentTaskInfo, mark?: HarnessMark): string {
  const neutralize = outsideText(mark);
  const attrs = [`id="${t.id}"`, 'kind="agent"', `status="${t.status}"`, `runtime="${formatDuration(t.runtimeMs)}"`];
  const lines = [
    openingTag(mark, attrs),
    `This is an automatic notice from the tandem harness (not from the user): background agent ${t.id} `
      + `(${neutralize(agent.type)}) ended: ${neutralize(describeStatus(t))}, after ${agent.toolCalls} tool call`
      + `${agent.toolCalls === 1 ? '' : 's'}.`,
  ];
  if (t.description) lines.push(`description: ${neutralize(t.description.replace(/\s+/g, ' '))}`);
  const report = agent.report?.trim();
  if (report) {
    const cut = report.length > AGENT_REPORT_CHARS;
    lines.push('final report:', neutralize(cut ? `${report.slice(0, AGENT_REPORT_CHARS)}…` : report));
    if (cut) lines.push(`(report cut at ${AGENT_REPORT_CHARS} characters; the whole of it is in the log)`);
  } else {
    lines.push('(no final report)');
  }
  lines.push(`full log: ${t.logPath}`, closingTag(mark));
  return lines.join('\n');
}
