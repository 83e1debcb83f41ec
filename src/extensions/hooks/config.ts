// Hooks as Claude Code writes them in settings files:
//   "hooks": { "PreToolUse": [ { "matcher": "Bash", "hooks": [ { "type": "command", "command": "...", "timeout": 30 } ] } ] }
// read from every settings file tandem loads (the workspace's only when it is trusted). What tandem cannot run
// (another hook type, an unknown event, a malformed entry) is a warning naming the file.

import { compileLinePatternSync, patternEngineLoaded, type LinePattern } from '../../core/line-pattern.js';

/** Claude Code's events, and tandem's own for background tasks. */
export const HOOK_EVENTS = [
  'PreToolUse', 'PostToolUse', 'UserPromptSubmit', 'Stop', 'SubagentStop', 'SessionStart', 'SessionEnd',
  'PreCompact', 'Notification', 'TaskStart', 'TaskEnd',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** One command to run for one event. */
export interface HookDefinition {
  event: HookEvent;
  /** Empty or `*`: everything. Tools: a name, `A|B`, or a regex (tandem's and Claude Code's names both match). */
  matcher: string;
  command: string;
  timeoutMs: number;
  /** The settings file it came from, and that file's scope. */
  source: string;
  scope: 'user' | 'project' | 'local';
}

/** Claude Code's default: a hook gets a minute. */
export const DEFAULT_HOOK_TIMEOUT_SEC = 60;

export interface HookFileSection { file: string; scope: 'user' | 'project' | 'local'; hooks: unknown }

/** Every runnable hook of every file, in file order, and what could not be used. Never throws. */
export function readHookDefinitions(sections: readonly HookFileSection[]): { hooks: HookDefinition[]; warnings: string[] } {
  const hooks: HookDefinition[] = [];
  const warnings: string[] = [];
  for (const { file, scope, hooks: value } of sections) {
    const warn = (what: string) => warnings.push(`${file}: hooks${what}; ignored`);
    if (!isObject(value)) {
      warn(': expected an object of events');
      continue;
    }
    for (const [event, groups] of Object.entries(value)) {
      if (!(HOOK_EVENTS as readonly string[]).includes(event)) {
        warn(`.${event}: tandem has no such event (it has ${HOOK_EVENTS.join(', ')})`);
        continue;
      }
      if (!Array.isArray(groups)) {
        warn(`.${event}: expected a list of { matcher, hooks }`);
        continue;
      }
      groups.forEach((group, i) => {
        if (!isObject(group) || !Array.isArray(group.hooks)) {
          warn(`.${event}[${i}]: expected { "matcher": ..., "hooks": [ ... ] }`);
          return;
        }
        const matcher = typeof group.matcher === 'string' ? group.matcher : '';
        group.hooks.forEach((h, j) => {
          const at = `.${event}[${i}].hooks[${j}]`;
          if (!isObject(h)) return warn(`${at}: expected { "type": "command", "command": ... }`);
          if (h.type !== 'command') return warn(`${at}: type ${JSON.stringify(h.type)} is not run by tandem (only "command")`);
          if (typeof h.command !== 'string' || !h.command.trim()) return warn(`${at}: "command" must be a non-empty string`);
          const timeout = typeof h.timeout === 'number' && h.timeout > 0 ? h.timeout : DEFAULT_HOOK_TIMEOUT_SEC;
          hooks.push({ event: event as HookEvent, matcher, command: h.command, timeoutMs: timeout * 1000, source: file, scope });
        });
      });
    }
  }
  return { hooks, warnings };
}

/**
 * Claude Code's matching: empty or `*` matches all; a plain name (letters, digits, `_`, `|`) matches exactly one
 * of its `|` alternatives; anything else is a regular expression searched in the value. `values` are the
 * names the thing goes by (a tandem tool's own name and Claude Code's).
 */
export function matcherMatches(matcher: string, values: readonly string[]): boolean {
  const m = matcher.trim();
  if (!m || m === '*') return true;
  if (/^[\w|]+$/.test(m)) {
    const names = m.split('|');
    return values.some((v) => names.includes(v));
  }
  try {
    const re = settingsPattern(m);
    return values.some((v) => re.test(v));
  } catch {
    return values.includes(m);
  }
}

const compiled = new Map<string, LinePattern>();

/**
 * A matcher from a settings file as a pattern: linear-time (RE2) once the engine is loaded, which the hook
 * engine does before matching (HookEngine.run); a direct caller before that gets JavaScript's RegExp.
 * Throws for a pattern that does not compile (RE2 has no lookaround or backreferences).
 */
export function settingsPattern(source: string): LinePattern {
  if (!patternEngineLoaded()) return new RegExp(source);
  let re = compiled.get(source);
  if (!re) compiled.set(source, (re = compileLinePatternSync(source, 'hook matcher')));
  return re;
}

/** True when a matcher is a regular expression (not empty, `*` or plain names). */
export function isRegexMatcher(matcher: string): boolean {
  const m = matcher.trim();
  return m !== '' && m !== '*' && !/^[\w|]+$/.test(m);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
