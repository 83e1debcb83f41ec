// The permission decision: deny rules, then ask rules, then allow rules, then the mode's default, applied to
// every part of a request (each simple command and file a command touches). A command is allowed only if
// every part is.
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../paths.js';
import { protectedPathOf } from '../sandbox-protect.js';
import { commandForms, isFreeBuiltin } from './command-forms.js';
import { type PathContext, type PermissionRule, type RuleKind, compilePathGlob, matchCommand, matchDomain, parseRule } from './rules.js';
import type { PermissionSettings } from './settings.js';
import { type CommandPart, type FilePart, analyzeCommand } from './shell-analysis.js';
import { printModeDenial, suggestCommandRule, suggestPathRule } from './suggest.js';
import type { AccessRequest, Decision, Mode, PartDecision, Verdict } from './types.js';

export interface PolicyOptions {
  /** The workspace root; relative rule globs are anchored here and acceptEdits writes stop at it. */
  workspaceRoot: string;
  /** Home folder, for `~/` in rules and commands. */
  home: string;
  /** Overrides the settings' defaultMode. */
  mode?: Mode;
  /** Print mode: nobody can answer, so every "ask" becomes a "deny" that says how to allow it. */
  nonInteractive?: boolean;
  /** The workspace is untrusted: its settings files cannot allow anything, so denials point elsewhere. */
  untrusted?: boolean;
}

type Judgement = Omit<PartDecision, 'kind' | 'text' | 'via'>;

const SEVERITY: Record<Verdict, number> = { allow: 0, ask: 1, deny: 2 };

/** Decides requests under a set of rules and a mode. Contract: `check` never throws for any request. */
export class PermissionPolicy {
  private readonly rules: PermissionRule[];
  private currentMode: Mode;
  private readonly globs = new Map<string, (p: string) => boolean>();
  private roots?: Promise<string[]>;

  constructor(settings: PermissionSettings, private readonly opts: PolicyOptions) {
    this.rules = [...settings.rules];
    this.currentMode = opts.mode ?? settings.defaultMode;
  }

  get mode(): Mode {
    return this.currentMode;
  }

  /** Switches mode for later checks (e.g. the user cycles modes in the REPL). */
  setMode(mode: Mode): void {
    this.currentMode = mode;
  }

  /** Adds a rule for the rest of the session ("yes, during this session"). Throws RuleSyntaxError. */
  addRule(text: string, kind: RuleKind = 'allow', source = 'session'): PermissionRule {
    const rule = { ...parseRule(text), kind, source };
    this.rules.push(rule);
    return rule;
  }

  /** Takes back a rule addRule gave (a command's allowed-tools when its turn ends). */
  removeRule(rule: PermissionRule): void {
    const at = this.rules.indexOf(rule);
    if (at >= 0) this.rules.splice(at, 1);
  }

  /**
   * Every rule in force, for /permissions-style listings; `note` says what a bare rule really does (a bare
   * `Bash` allow rule allows every command), so it is never mistaken for a narrow one.
   */
  describeRules(): { rule: string; kind: RuleKind; source: string; note?: string }[] {
    return this.rules.map((r) => {
      const note = breadthNote(r);
      return { rule: r.text, kind: r.kind, source: r.source, ...(note ? { note } : {}) };
    });
  }

  async check(request: AccessRequest): Promise<Decision> {
    let decision: Decision;
    try {
      decision = await this.decide(request);
    } catch (err) {
      decision = { decision: 'ask', reason: `the permission check failed (${(err as Error).message}), so this needs approval` };
    }
    return this.opts.nonInteractive ? printModeDenial(decision, this.modeHint(request, decision), this.opts.untrusted) : decision;
  }

  private async decide(request: AccessRequest): Promise<Decision> {
    if (request.kind === 'fetch') {
      const j = this.judgeFetch(request.host);
      return { ...j, suggestions: j.suggestion ? [j.suggestion] : undefined };
    }
    if (request.kind === 'tool') {
      const j = judgeNamedTool(this.rules, request.tool, this.mode);
      return { ...j, suggestions: j.suggestion ? [j.suggestion] : undefined };
    }
    if (request.kind !== 'command') {
      const abs = path.resolve(this.opts.workspaceRoot, request.path);
      const j = await this.judgePath(request.kind, abs);
      return { ...j, suggestions: j.suggestion ? [j.suggestion] : undefined };
    }
    const analysis = await analyzeCommand(request.command, { cwd: request.cwd, home: this.opts.home });
    if (!analysis.ok) {
      return combine([{
        kind: 'unparsed',
        text: request.command,
        decision: this.mode === 'plan' ? 'deny' : 'ask',
        reason: `cannot be parsed (${analysis.error}), so what it runs cannot be checked`,
      }]);
    }
    const parts = await Promise.all(analysis.parts.map(async (part): Promise<PartDecision> => ({
      kind: part.kind,
      text: part.text,
      ...(part.via ? { via: part.via } : {}),
      ...(part.kind === 'command' ? this.judgeCommand(part) : await this.judgeFile(part)),
    })));
    if (!parts.length) return { decision: 'allow', reason: 'runs no command and writes no file', parts };
    return combine(parts);
  }

  private judgeCommand(part: CommandPart): Judgement {
    const forms = commandForms(part);
    const bash = (kind: RuleKind) => this.rules.filter((r) => r.tool === 'Bash' && r.kind === kind);
    let possible: { rule: PermissionRule } | undefined;
    for (const kind of ['deny', 'ask'] as const) {
      for (const rule of bash(kind)) {
        if (!rule.command || forms.all.some((f) => matchCommand(rule.command!, f, 'certain'))) {
          return { decision: kind, reason: `matches ${kind} rule ${rule.text}`, rule: ruleRef(rule) };
        }
        if (!possible && forms.all.some((f) => matchCommand(rule.command!, f, 'possible'))) possible = { rule };
      }
    }
    if (possible) {
      const { rule } = possible;
      return {
        decision: 'ask',
        reason: `might match ${rule.kind} rule ${rule.text}: part of it is only known when it runs`,
        rule: ruleRef(rule),
      };
    }
    // A command that may run code tandem cannot see is "runs arbitrary code": while any Bash deny or ask rule
    // is in force, no allow rule or mode can vouch that it does not do what the rule forbids.
    const guard = part.runsCode ? [...bash('deny'), ...bash('ask')][0] : undefined;
    if (guard) {
      return {
        decision: this.mode === 'plan' ? 'deny' : 'ask',
        reason: `runs arbitrary code (${part.runsCode}), and with ${guard.kind} rule ${guard.text} in force that needs approval`,
        rule: ruleRef(guard),
      };
    }
    const allow = bash('allow').find((r) => !r.command || matchCommand(r.command, forms.allow, 'certain'));
    if (allow) return { decision: 'allow', reason: `is allowed by ${allow.text}`, rule: ruleRef(allow) };
    if (isFreeBuiltin(part)) return { decision: 'allow', reason: 'is a shell built-in with no side effects' };
    const note = part.note ? ` (${part.note})` : '';
    const suggestion = part.note ? undefined : suggestCommandRule(part.argv, part.assigns);
    const withSuggestion = suggestion ? { suggestion } : {};
    switch (this.mode) {
      case 'bypassPermissions':
        return { decision: 'allow', reason: `is allowed by bypassPermissions mode${note}` };
      case 'plan':
        return { decision: 'deny', reason: `does not run in plan mode: no rule allows it${note}`, ...withSuggestion };
      default:
        return { decision: 'ask', reason: `needs approval: no rule allows it${note}`, ...withSuggestion };
    }
  }

  private async judgeFile(part: FilePart): Promise<Judgement> {
    if (part.path !== undefined) return this.judgePath(part.kind, part.path);
    const tool = part.kind === 'write' ? 'Edit' : 'Read';
    const doing = part.kind === 'write' ? 'writes' : 'reads';
    const related = this.rules.filter((r) => r.tool === tool && r.kind !== 'allow');
    const bare = related.find((r) => !r.pathGlob);
    if (bare) return { decision: bare.kind as Verdict, reason: `matches ${bare.kind} rule ${bare.text}`, rule: ruleRef(bare) };
    const unknown = `${doing} a file only known when it runs`;
    if (related.length) {
      return { decision: 'ask', reason: `${unknown}, which might match ${related[0].kind} rule ${related[0].text}`, rule: ruleRef(related[0]) };
    }
    if (this.mode === 'bypassPermissions') return { decision: 'allow', reason: `${unknown}; allowed by bypassPermissions mode` };
    if (this.mode === 'plan' && part.kind === 'write') return { decision: 'deny', reason: `${unknown}; plan mode writes nothing` };
    return { decision: 'ask', reason: `${unknown}, so it needs approval` };
  }

  /** WebFetch rules, then the mode: a request leaves the machine, so only bypassPermissions allows it unasked. */
  private judgeFetch(host: string): Judgement {
    for (const kind of ['deny', 'ask', 'allow'] as const) {
      const rule = this.rules.find((r) => r.tool === 'WebFetch' && r.kind === kind && (!r.domain || matchDomain(r.domain, host)));
      if (rule) return { decision: kind, reason: `fetching from ${host} matches ${kind} rule ${rule.text}`, rule: ruleRef(rule) };
    }
    if (this.mode === 'bypassPermissions') return { decision: 'allow', reason: `fetching from ${host} is allowed by bypassPermissions mode` };
    return { decision: 'ask', reason: `fetching from ${host} needs approval`, suggestion: `WebFetch(domain:${host})` };
  }

  /** Read and Edit rules, then the workspace boundary and the mode. */
  private async judgePath(access: 'read' | 'write', abs: string): Promise<Judgement> {
    const roots = await this.workspaceRoots();
    const real = await realPathOf(abs);
    const forms = [...new Set([abs, real])];
    const tool = access === 'write' ? 'Edit' : 'Read';
    const shown = displayPath(roots[0], real);
    const matches = (rule: PermissionRule, p: string) => !rule.pathGlob || roots.some((root) => this.glob(rule.pathGlob!, root)(p));
    for (const kind of ['deny', 'ask'] as const) {
      const rule = this.rules.find((r) => r.tool === tool && r.kind === kind && forms.some((p) => matches(r, p)));
      if (rule) return { decision: kind, reason: `${shown} matches ${kind} rule ${rule.text}`, rule: ruleRef(rule) };
    }
    // tandem's and Claude Code's configuration, .mcp.json and git hooks/config widen what runs next time: a write
    // there needs a person's approval in every mode but bypass, unless an allow rule names that path itself.
    const guarded = access === 'write' ? roots.map((root) => protectedPathOf(root, real)).find(Boolean) : undefined;
    if (guarded && this.mode !== 'bypassPermissions') {
      const named = this.rules.find((r) => r.tool === tool && r.kind === 'allow' && r.pathGlob?.includes(guarded.split('/')[0]!)
        && forms.every((p) => matches(r, p)));
      if (named) return { decision: 'allow', reason: `${shown} is allowed by ${named.text}`, rule: ruleRef(named) };
      const suggestion = suggestPathRule(tool, real, { root: roots[0], home: this.opts.home });
      if (this.mode === 'plan') return { decision: 'deny', reason: `writing ${shown}: plan mode writes nothing`, suggestion };
      return {
        decision: 'ask',
        reason: `writing ${shown} needs approval (${guarded} is configuration that changes what runs: it always needs approval)`,
        suggestion,
      };
    }
    const allow = this.rules.find((r) => r.tool === tool && r.kind === 'allow' && forms.every((p) => matches(r, p)));
    if (allow) return { decision: 'allow', reason: `${shown} is allowed by ${allow.text}`, rule: ruleRef(allow) };
    const inside = roots.some((root) => isInside(root, real));
    const suggestion = suggestPathRule(tool, real, { root: roots[0], home: this.opts.home });
    const where = inside ? 'inside the workspace' : 'outside the workspace';
    if (access === 'read') {
      if (this.mode === 'bypassPermissions') return { decision: 'allow', reason: `reading ${shown} is allowed by bypassPermissions mode` };
      if (inside) return { decision: 'allow', reason: `reading ${shown} is allowed ${where}` };
      return { decision: 'ask', reason: `reading ${shown} (${where}) needs approval`, suggestion };
    }
    const settingsDir = roots.some((root) => isInside(path.join(root, '.tandem'), real));
    switch (this.mode) {
      case 'bypassPermissions':
        return { decision: 'allow', reason: `writing ${shown} is allowed by bypassPermissions mode` };
      case 'plan':
        return { decision: 'deny', reason: `writing ${shown}: plan mode writes nothing`, suggestion };
      case 'acceptEdits':
        if (inside && !settingsDir) return { decision: 'allow', reason: `writing ${shown} is allowed ${where} in acceptEdits mode` };
        break;
    }
    const why = settingsDir ? ' (tandem settings always need approval)' : '';
    return { decision: 'ask', reason: `writing ${shown} (${where}) needs approval${why}`, suggestion };
  }

  private glob(glob: string, root: string): (p: string) => boolean {
    const key = `${root}\0${glob}`;
    let test = this.globs.get(key);
    if (!test) {
      const ctx: PathContext = { root, home: this.opts.home };
      test = compilePathGlob(glob, ctx);
      this.globs.set(key, test);
    }
    return test;
  }

  /** The real root first, then the root as given when it differs (a symlinked path). */
  private workspaceRoots(): Promise<string[]> {
    this.roots ??= (async () => {
      const given = path.resolve(this.opts.workspaceRoot);
      const real = await realPathOf(given);
      return [...new Set([real, given])];
    })();
    return this.roots;
  }

  /** In print mode, writes inside the workspace can also be allowed by acceptEdits mode. */
  private modeHint(request: AccessRequest, decision: Decision): string | undefined {
    if (this.mode !== 'default' || decision.decision !== 'ask') return undefined;
    const asking = request.kind === 'command'
      ? (decision.parts ?? []).filter((p) => p.decision === 'ask')
      : [{ kind: request.kind, reason: decision.reason }];
    const editable = (p: { kind: string; reason: string }) => p.kind === 'write' && p.reason.endsWith('(inside the workspace) needs approval');
    return asking.length && asking.every(editable) ? 'or use permission mode acceptEdits' : undefined;
  }
}

/**
 * A tool judged by name: `mcp__github` (or `mcp__github__*`) matches every tool of that server,
 * `mcp__github__create_issue` one tool. Deny, then ask, then allow rules; then the mode (only bypass allows).
 */
function judgeNamedTool(rules: PermissionRule[], tool: string, mode: Mode): Judgement {
  const matches = (r: PermissionRule) => r.tool === tool || (r.tool.startsWith('mcp__') && !r.tool.slice(5).includes('__') && tool.startsWith(`${r.tool}__`))
    || (r.tool.endsWith('__*') && tool.startsWith(r.tool.slice(0, -1)));
  for (const kind of ['deny', 'ask', 'allow'] as const) {
    const rule = rules.find((r) => r.kind === kind && matches(r));
    if (rule) return { decision: kind, reason: `${tool} ${kind === 'allow' ? 'is allowed by' : `matches ${kind} rule`} ${rule.text}`, rule: ruleRef(rule) };
  }
  if (mode === 'bypassPermissions') return { decision: 'allow', reason: `${tool} is allowed by bypassPermissions mode` };
  if (mode === 'plan') return { decision: 'deny', reason: `${tool} does not run in plan mode: no rule allows it`, suggestion: tool };
  return { decision: 'ask', reason: `${tool} needs approval: no rule allows it`, suggestion: tool };
}

/** The strictest part decides; the reason names the parts that made it so. */
function combine(parts: PartDecision[]): Decision {
  const worst = parts.reduce<Verdict>((w, p) => (SEVERITY[p.decision] > SEVERITY[w] ? p.decision : w), 'allow');
  const deciding = parts.filter((p) => p.decision === worst);
  const describe = (p: PartDecision) => `\`${p.text}\`${p.via ? ` (via ${p.via})` : ''} ${p.reason}`;
  const lead = worst === 'deny' ? 'Denied' : worst === 'ask' ? 'Needs approval' : 'Allowed';
  const suggestions = [...new Set(deciding.flatMap((p) => (p.suggestion ? [p.suggestion] : [])))];
  return {
    decision: worst,
    reason: `${lead}: ${deciding.map(describe).join('; ')}`,
    ...(deciding[0].rule ? { rule: deciding[0].rule } : {}),
    ...(suggestions.length && worst !== 'allow' ? { suggestion: suggestions[0], suggestions } : {}),
    parts,
  };
}

/** What a rule without a pattern covers: everything its tool does. */
export function breadthNote(rule: PermissionRule): string | undefined {
  const every = rule.tool === 'Bash' ? (!rule.command || /^Bash\(\s*:?\*\s*\)$/.test(rule.text)) : !rule.pathGlob || /^\*\*?$|^\/?\*\*$/.test(rule.pathGlob.trim());
  if (!every) return undefined;
  const what = rule.tool === 'Bash' ? 'every command' : rule.tool === 'Edit' ? 'every file write' : rule.tool === 'Read' ? 'reading every file' : undefined;
  if (!what) return undefined;
  return `${rule.kind === 'allow' ? 'allows' : rule.kind === 'deny' ? 'denies' : 'asks for'} ${what}`;
}

function ruleRef(rule: PermissionRule): string {
  return `${rule.text} from ${rule.source}`;
}

function displayPath(root: string, abs: string): string {
  return isInside(root, abs) && abs !== root ? path.relative(root, abs) : abs;
}

/** The real path of `p`, following symlinks; a missing tail is appended to its deepest existing ancestor. */
async function realPathOf(p: string): Promise<string> {
  const missing: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(await realpath(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}
