// What /hooks shows: every hook in force, by event, with its matcher, timeout and the file it came from.
import type { HookEngine } from './engine.js';

export function describeHooks(engine: HookEngine, trusted: boolean): string {
  const lines: string[] = [];
  const byEvent = new Map<string, typeof engine.hooks[number][]>();
  for (const h of engine.hooks) byEvent.set(h.event, [...(byEvent.get(h.event) ?? []), h]);
  if (!engine.hooks.length) lines.push('No hooks. Add them under "hooks" in ~/.tandem/settings.json, .tandem/settings.json or .claude/settings.json (Claude Code\'s format).');
  for (const [event, hooks] of byEvent) {
    lines.push(`${event}:`);
    for (const h of hooks) {
      lines.push(`  ${(h.matcher || '*').padEnd(16)} ${h.command}  (timeout ${h.timeoutMs / 1000}s, from ${h.source})`);
    }
  }
  const { runs, totalMs, timeouts, failures } = engine.stats;
  if (runs) lines.push(`Run ${runs} ${runs === 1 ? 'time' : 'times'} so far, ${Math.round(totalMs / runs)} ms each on average; ${timeouts} timed out, ${failures} failed.`);
  if (!trusted) lines.push('This workspace is not trusted, so its own hooks are not loaded (tandem trust, or --trust, loads them).');
  return lines.join('\n');
}
