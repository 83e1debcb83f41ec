// Slash commands of the REPL. Each returns what to show; the REPL decides how.
import { editDistance } from '../tools/similarity.js';
import { oneLine } from '../core/text.js';
import { formatCostReport } from '../session/pricing.js';
import { describeStatus } from '../tasks/notices.js';
import type { Runtime } from '../session/runtime.js';
import { formatDuration } from './tool-lines.js';
import { describeHooks } from '../extensions/hooks/describe.js';
import { rewindCommand, undoCommand } from './rewind-commands.js';

export type SlashReply = { kind: 'text' | 'clear' | 'exit'; text: string };

export const SLASH_COMMANDS: Record<string, string> = {
  '/help': 'show this list',
  '/tasks': 'list background tasks with status and runtime',
  '/kill ID|all': 'kill a background task, or all of them',
  '/logs ID': "show a task's output",
  '/clear': 'start a new conversation',
  '/compact [focus]': 'summarise the conversation to free context',
  '/cost': 'tokens, context used and money spent',
  '/rewind [N [files|conversation]]': 'list prompts, or put files and conversation back to before prompt N',
  '/undo': "revert tandem's last change to a file",
  '/model [NAME]': 'show the model, or switch (PROVIDER/MODEL switches provider too)',
  '/permissions': 'the permission rules in force and where each comes from',
  '/hooks': 'the hooks in force and where each comes from',
  '/mcp': "MCP servers: each one's state, tools, prompts and last error",
  '/exit': 'leave tandem (running tasks are killed)',
};

/** Built-in command names (`/help`, …, `/quit`). */
export const BUILTIN_NAMES: readonly string[] = [...Object.keys(SLASH_COMMANDS).map((c) => c.split(' ')[0]!), '/quit'];

export function isBuiltinCommand(text: string): boolean {
  return BUILTIN_NAMES.includes(text.trim().split(/\s+/)[0] ?? '');
}

/** A line that is a prompt to send, not a command to run here: an MCP prompt (`/mcp__SERVER__PROMPT args`). */
export function isPromptCommand(text: string): boolean {
  return /^\/mcp__[A-Za-z0-9_-]+__\S/.test(text.trim());
}

/** Slash commands that stand for prompts, for completion and /help: MCP prompts. */
export function promptCommands(rt: Runtime): { command: string; description: string }[] {
  return rt.mcp?.prompts().map((p) => ({ command: p.command, description: p.description })) ?? [];
}

export async function runSlashCommand(input: string, rt: Runtime): Promise<SlashReply> {
  const [name = '', ...args] = input.trim().split(/\s+/);
  const text = (t: string): SlashReply => ({ kind: 'text', text: t });
  switch (name) {
    case '/help':
      return text(helpText(rt));
    case '/tasks':
      return text(taskTable(rt));
    case '/kill': {
      const id = args[0];
      if (!id) return text('Usage: /kill ID|all');
      if (id === 'all') {
        const killed = await rt.tasks.killAll('user');
        return text(killed.length ? killed.map((t) => `${t.id}: ${describeStatus(t)}`).join('\n') : 'No running tasks.');
      }
      if (!rt.tasks.get(id)) return text(`No task "${id}". /tasks lists them.`);
      const snap = await rt.tasks.kill(id, 'user');
      return text(`${snap.id}: ${describeStatus(snap)}`);
    }
    case '/logs': {
      const id = args[0];
      if (!id) return text('Usage: /logs ID');
      if (!rt.tasks.get(id)) return text(`No task "${id}". /tasks lists them.`);
      return text(rt.tasks.readAll(id, { maxChars: 20_000 }));
    }
    case '/clear':
      rt.messages.length = 0;
      // The old conversation's size must not count towards the new one's (nor trigger a compaction of it).
      rt.compactor.noteUsage(undefined);
      await rt.hooks.cleared();
      return { kind: 'clear', text: '(new conversation)' };
    case '/compact': {
      if (rt.messages.length < 2) return text('Nothing to compact yet.');
      try {
        const result = await rt.compactor.compact(rt.messages, 'manual', { focus: args.join(' ') || undefined });
        return text(`Compacted: ${result.summarised} messages summarised, ${result.kept} kept.`);
      } catch (err) {
        return text(`Compaction failed: ${(err as Error).message}`);
      }
    }
    case '/cost':
      return text(formatCostReport({
        usageByModel: rt.session.recorder.usageByModel, lastUsage: rt.compactor.lastUsage, contextWindow: rt.contextWindow,
        usageByAgent: rt.subagents.usageByAgent,
      }));
    case '/model': {
      const next = args[0];
      const now = rt.config.target;
      if (!next) return text(`Model: ${now.model} on ${now.provider.label} (${now.api}, ${now.baseURL}). /model NAME or /model PROVIDER/MODEL switches.`);
      try {
        const target = await rt.setModel(next);
        return text(`Model: ${target.model} on ${target.provider.label} (from the next request on).`);
      } catch (err) {
        return text(`Model unchanged: ${(err as Error).message}`);
      }
    }
    case '/rewind':
      return text(await rewindCommand(rt, args));
    case '/undo':
      return text(await undoCommand(rt));
    case '/permissions':
      return text(permissionsReport(rt));
    case '/hooks':
      return text(describeHooks(rt.hooks.engine, rt.trusted));
    case '/mcp': {
      const { mcpReport } = await import('../extensions/mcp/report.js');
      return text(mcpReport(rt.mcp));
    }
    case '/exit':
    case '/quit':
      return { kind: 'exit', text: '' };
    default: {
      const near = nearest(name, [...BUILTIN_NAMES, ...rt.commands.list().map((c) => c.name)]);
      return text(`Unknown command ${name}.${near ? ` Did you mean ${near}?` : ''} /help lists the commands.`);
    }
  }
}

function helpText(rt: Runtime): string {
  const lines = Object.entries(SLASH_COMMANDS).map(([cmd, what]) => `  ${cmd.padEnd(18)} ${what}`);
  const custom = rt.commands.list().filter((c) => !BUILTIN_NAMES.includes(c.name));
  if (custom.length) {
    lines.push('', 'Custom commands:');
    for (const c of custom) {
      const usage = c.argumentHint ? `${c.name} ${c.argumentHint}` : c.name;
      lines.push(`  ${usage.padEnd(18)} ${oneLine(c.description, 70)} (${c.source})`);
    }
  }
  const prompts = promptCommands(rt);
  if (prompts.length) {
    lines.push('', 'MCP prompts:');
    for (const p of prompts) lines.push(`  ${p.command.padEnd(18)} ${oneLine(p.description, 70)}`);
  }
  return lines.join('\n');
}

function permissionsReport(rt: Runtime): string {
  const rules = rt.policy.describeRules();
  const lines = [`Permission mode: ${rt.policy.mode}`];
  if (!rules.length) lines.push('No rules: every command and edit outside the mode\'s defaults asks first.');
  for (const kind of ['deny', 'ask', 'allow'] as const) {
    for (const r of rules.filter((x) => x.kind === kind)) {
      lines.push(`  ${kind.padEnd(5)} ${r.rule.padEnd(32)} from ${r.source}${r.note ? `  (${r.note})` : ''}`);
    }
  }
  return lines.join('\n');
}

function taskTable(rt: Runtime): string {
  const tasks = rt.tasks.list();
  if (!tasks.length) return 'No background tasks.';
  return tasks
    .map((t) => `  ${t.id.padEnd(6)} ${t.status.padEnd(16)} ${formatDuration(t.runtimeMs).padStart(7)}  ${oneLine(t.description ?? t.command, 60)}${t.persistent ? '  [persistent: outlives tandem]' : ''}`)
    .join('\n');
}

/**
 * The name the person most likely meant: one that starts with what they typed (`/comp`), or one a typo away
 * (one edit for short names, two from eight letters on). `/init` is not a typo of `/exit`.
 */
export function nearest(word: string, names: string[]): string | undefined {
  const typed = word.replace(/^\//, '').toLowerCase();
  if (!typed) return undefined;
  const bare = (n: string) => n.replace(/^\//, '').toLowerCase();
  const prefixed = names.filter((n) => typed.length >= 2 && bare(n).startsWith(typed));
  if (prefixed.length === 1) return prefixed[0];
  const allowed = typed.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestDist = Infinity;
  for (const n of names) {
    const d = editDistance(typed, bare(n));
    if (d < bestDist) [best, bestDist] = [n, d];
  }
  return bestDist <= allowed ? best : undefined;
}
