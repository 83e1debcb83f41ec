// The permission question in the plain REPL: show the command (parts needing approval marked) or the diff,
// then take y / a / n, and an optional reason for the model after n.
import type readline from 'node:readline';
import type { ApprovalAnswer, ApprovalRequest } from '../workspace/approval.js';

export async function askApproval(
  rl: readline.Interface, request: ApprovalRequest, line: (text: string) => void, signal?: AbortSignal,
): Promise<ApprovalAnswer> {
  line(describeRequest(request));
  const always = request.suggestedRule ? `, [a]lways (adds ${request.suggestedRule})` : '';
  for (;;) {
    const answer = (await question(rl, `Allow? [y]es${always}, [n]o: `, signal)).trim().toLowerCase();
    if (signal?.aborted) return { kind: 'deny', reason: 'interrupted' };
    if (answer === 'y' || answer === 'yes') return { kind: 'once' };
    if ((answer === 'a' || answer === 'always') && request.suggestedRule) return { kind: 'always' };
    if (answer === 'n' || answer === 'no') {
      const reason = (await question(rl, 'Tell the model why (Enter to skip): ', signal)).trim();
      return { kind: 'deny', ...(reason ? { reason } : {}) };
    }
    line(`Answer y${request.suggestedRule ? ', a' : ''} or n.`);
  }
}

function describeRequest(request: ApprovalRequest): string {
  const lines = [request.command?.whyParts ? `Permission needed: ${request.tool}` : `Permission needed: ${request.tool} — ${request.reason}`];
  if (request.command) {
    lines.push(`  $ ${request.command.text}`);
    request.command.partsNeedingApproval.forEach((part, i) => {
      const why = request.command!.whyParts?.[i];
      lines.push(why ? `    ${part}: ${why}` : `    needs approval: ${part}`);
    });
  } else {
    lines.push(`  ${request.summary}`);
    if (request.diff) lines.push(...request.diff.split('\n').slice(2, 60).map((l) => `  ${l}`));
  }
  return lines.join('\n');
}

function question(rl: readline.Interface, prompt: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const onAbort = () => resolve('');
    signal?.addEventListener('abort', onAbort, { once: true });
    rl.question(prompt, (answer) => {
      signal?.removeEventListener('abort', onAbort);
      resolve(answer);
    });
  });
}
