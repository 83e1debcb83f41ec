// Permission settings: reads tandem's and Claude Code's settings files (settingsSources: user, project, local),
// validates tandem's (errors name file:line:column; Claude Code's are read leniently, their problems are
// warnings), and merges them with the --allow / --deny flags.
// The project's shared settings may come from a cloned repository: even in a trusted workspace they cannot
// loosen what the user controls (bypassPermissions, credentials in commands, the sandbox); see `distrust`. In an
// untrusted workspace the repository's files (shared and local) only narrow: deny and ask rules, plan mode, the
// sandbox turned on; see `untrusted`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { JsonSyntaxError, type LocatedJson, type Location, locate, parseJsonWithLocations } from './json-locations.js';
import { KNOWN_TOOLS, type PermissionRule, type RuleKind, RuleSyntaxError, parseRule } from './rules.js';
import { MODES, type Mode } from './types.js';

/** Everything the permission system and sandbox take from settings, merged. */
export interface PermissionSettings {
  /** All rules, lowest precedence source first (order does not change decisions: deny > ask > allow). */
  rules: PermissionRule[];
  defaultMode: Mode;
  /** Where `defaultMode` came from: a file, `--permission-mode`, or `default`. */
  modeSource: string;
  sandbox: {
    enabled: boolean;
    /** Commands in the sandbox may use the network. */
    network: boolean;
    /** Absolute folders writable inside the sandbox besides the workspace and /tmp (e.g. ~/.npm). */
    extraWritable: string[];
    /** Absolute paths hidden inside the sandbox, besides the credential defaults (sandbox-protect.ts). */
    denyRead: string[];
  };
  /** Commands keep the model providers' API keys in their environment (`env.inheritCredentials`). */
  inheritCredentials: boolean;
  /** Settings files that were found and read, lowest precedence first. */
  files: string[];
  /** The `hooks` section of every file read (in an untrusted workspace, the user's files only), lowest first. */
  hooks: HookSettings[];
  /** What an untrusted workspace's files asked for and did not get, e.g. `.tandem/settings.json: allow Bash`. */
  ignored: string[];
  /** Problems that are not errors, e.g. a rule naming `bash` instead of `Bash`. */
  warnings: string[];
}

/** A settings file or flag that cannot be used. The message starts with `file:line:column:`. */
export class SettingsError extends Error {
  override name = 'SettingsError';
  constructor(message: string, readonly file: string, readonly location?: Location) {
    super(location ? `${file}:${location.line}:${location.column}: ${message}` : `${file}: ${message}`);
  }
}

export interface LoadSettingsOptions {
  /** The user's home folder (for `~/` in rules and paths). */
  home: string;
  /** The user settings file; default `<home>/.tandem/settings.json` (TANDEM_HOME moves it). */
  userSettingsFile?: string;
  workspaceRoot: string;
  cliAllow?: string[];
  cliDeny?: string[];
  cliAsk?: string[];
  /** --permission-mode: wins over every file. */
  cliMode?: Mode;
  /** --sandbox: wins over `sandbox.enabled` in files. */
  cliSandbox?: boolean;
  /** The workspace is trusted (default true): its files may widen permissions and bring hooks. */
  trusted?: boolean;
  /** Allow rules the person granted here ("yes, always"): untrusted, tandem's local file keeps these. */
  granted?: readonly string[];
  /** Claude Code's user folder (default `<home>/.claude`; the runtime passes CLAUDE_CONFIG_DIR); null: no Claude Code files. */
  claudeUserDir?: string | null;
}

/** The `hooks` value of one settings file, unparsed (the hooks engine validates it). */
export interface HookSettings { file: string; scope: SettingsScope; hooks: unknown }

export type SettingsScope = 'user' | 'project' | 'local';

/** One settings file: whose it is and whose format it has. */
export interface SettingsSource { file: string; scope: SettingsScope; format: 'tandem' | 'claude' }

/**
 * The settings files in precedence order, lowest first: user, then the project's shared file, then the
 * project's local one; at each level Claude Code's file first and tandem's over it.
 */
export function settingsSources(opts: Pick<LoadSettingsOptions, 'home' | 'workspaceRoot' | 'userSettingsFile' | 'claudeUserDir'>): SettingsSource[] {
  const claudeUser = opts.claudeUserDir === undefined ? path.join(opts.home, '.claude') : opts.claudeUserDir;
  const root = opts.workspaceRoot;
  const all: (SettingsSource | undefined)[] = [
    claudeUser ? { file: path.join(claudeUser, 'settings.json'), scope: 'user', format: 'claude' } : undefined,
    { file: opts.userSettingsFile ?? path.join(opts.home, '.tandem', 'settings.json'), scope: 'user', format: 'tandem' },
    claudeUser ? { file: path.join(root, '.claude', 'settings.json'), scope: 'project', format: 'claude' } : undefined,
    { file: path.join(root, '.tandem', 'settings.json'), scope: 'project', format: 'tandem' },
    claudeUser ? { file: path.join(root, '.claude', 'settings.local.json'), scope: 'local', format: 'claude' } : undefined,
    { file: path.join(root, '.tandem', 'settings.local.json'), scope: 'local', format: 'tandem' },
  ];
  // A workspace that is the home folder: its files are the user's own.
  const seen = new Set<string>();
  return all.filter((s): s is SettingsSource => !!s && !seen.has(s.file) && !!seen.add(s.file));
}

/** tandem's settings files in precedence order, lowest first. */
export function settingsFiles(home: string, workspaceRoot: string, userSettingsFile?: string): string[] {
  return settingsSources({ home, workspaceRoot, userSettingsFile, claudeUserDir: null }).map((s) => s.file);
}

const RuleList = z.array(z.string());
// Loose objects: settings files carried over from other tools may hold keys tandem does not use.
const SettingsSchema = z.looseObject({
  permissions: z.looseObject({
    allow: RuleList.optional(),
    ask: RuleList.optional(),
    deny: RuleList.optional(),
    defaultMode: z.enum(MODES).optional(),
  }).optional(),
  sandbox: z.looseObject({
    enabled: z.boolean().optional(),
    network: z.boolean().optional(),
    extraWritable: z.array(z.string()).optional(),
    denyRead: z.array(z.string()).optional(),
  }).optional(),
  env: z.looseObject({ inheritCredentials: z.boolean().optional() }).optional(),
});

/** Claude Code's files: only what tandem shares with Claude Code is taken (rules, mode, hooks), the rest ignored. */
const ClaudeSettingsSchema = z.looseObject({
  permissions: z.looseObject({
    allow: z.array(z.unknown()).optional(),
    ask: z.array(z.unknown()).optional(),
    deny: z.array(z.unknown()).optional(),
    defaultMode: z.unknown().optional(),
  }).optional(),
});

/** One file's contribution, before merging. */
export interface FileSettings {
  rules: PermissionRule[];
  defaultMode?: Mode;
  sandbox: { enabled?: boolean; network?: boolean; extraWritable: string[]; denyRead?: string[] };
  inheritCredentials?: boolean;
  warnings: string[];
  hooks?: unknown;
  /** `file:line:column` of a setting, for messages about it. */
  where(path: readonly PropertyKey[]): string;
}

/** Validates one file's text. Throws SettingsError naming `file`, the line and column, and the problem. */
function parseSettingsText(text: string, file: string, ctx: { home: string; workspaceRoot: string }): FileSettings {
  let json: LocatedJson;
  const where = (p: readonly PropertyKey[]): string => {
    const loc = locate(json, p);
    return `${file}:${loc.line}:${loc.column}`;
  };
  try {
    json = text.trim() === '' ? { value: {}, locations: new Map() } : parseJsonWithLocations(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new SettingsError(`invalid JSON: ${err.message}`, file, err.location);
    throw err;
  }
  const parsed = SettingsSchema.safeParse(json.value);
  if (!parsed.success) {
    const [first, ...more] = parsed.error.issues;
    const line = (issue: z.core.$ZodIssue) => `${dotted(issue.path)}: ${issue.message}`;
    const rest = more.map((issue) => `\n${where(issue.path)}: ${line(issue)}`);
    throw new SettingsError(line(first) + rest.join(''), file, locate(json, first.path));
  }
  const { permissions, sandbox, env } = parsed.data;
  const rules: PermissionRule[] = [];
  const warnings: string[] = [];
  for (const kind of ['allow', 'ask', 'deny'] as const) {
    (permissions?.[kind] ?? []).forEach((text, index) => {
      const at = ['permissions', kind, index];
      const rule = ruleOrThrow(text, kind, file, locate(json, at));
      const warning = nearMiss(rule);
      if (warning) warnings.push(`${where(at)}: ${warning}`);
      rules.push(rule);
    });
  }
  return {
    rules,
    defaultMode: permissions?.defaultMode,
    sandbox: {
      enabled: sandbox?.enabled,
      network: sandbox?.network,
      extraWritable: (sandbox?.extraWritable ?? []).map((p) => expandPath(p, ctx)),
      // Hiding more only narrows, so every file (a shared project one too) may add to it.
      denyRead: (sandbox?.denyRead ?? []).map((p) => expandPath(p, ctx)),
    },
    inheritCredentials: env?.inheritCredentials,
    warnings,
    hooks: (json.value as Record<string, unknown>).hooks,
    where,
  };
}

/**
 * Reads a Claude Code settings file as Claude Code would, taking its permission rules, mode and hooks. Nothing
 * in it stops tandem: what tandem cannot use (bad JSON, a rule it cannot parse, a mode it lacks) is a warning.
 */
function parseClaudeSettingsText(text: string, file: string): FileSettings {
  const empty: FileSettings = { rules: [], sandbox: { extraWritable: [] }, warnings: [], where: () => file };
  let json: LocatedJson;
  try {
    json = text.trim() === '' ? { value: {}, locations: new Map() } : parseJsonWithLocations(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { ...empty, warnings: [`${file}:${err.location.line}:${err.location.column}: invalid JSON (${err.message}); this Claude Code settings file is ignored`] };
    throw err;
  }
  const where = (p: readonly PropertyKey[]): string => {
    const loc = locate(json, p);
    return `${file}:${loc.line}:${loc.column}`;
  };
  const parsed = ClaudeSettingsSchema.safeParse(json.value);
  if (!parsed.success) return { ...empty, warnings: [`${file}: ${parsed.error.issues[0]!.message} at ${dotted(parsed.error.issues[0]!.path)}; its permissions are ignored`] };
  const { permissions } = parsed.data;
  const rules: PermissionRule[] = [];
  const warnings: string[] = [];
  for (const kind of ['allow', 'ask', 'deny'] as const) {
    (permissions?.[kind] ?? []).forEach((text, index) => {
      const at = ['permissions', kind, index];
      try {
        if (typeof text !== 'string') throw new RuleSyntaxError('a rule must be a string');
        rules.push({ ...parseRule(text), kind, source: file });
      } catch (err) {
        if (!(err instanceof RuleSyntaxError)) throw err;
        warnings.push(`${where(at)}: rule ignored: ${err.message}`);
      }
    });
  }
  const mode = permissions?.defaultMode;
  const known = typeof mode === 'string' && (MODES as readonly string[]).includes(mode);
  if (mode !== undefined && !known) warnings.push(`${where(['permissions', 'defaultMode'])}: defaultMode ${JSON.stringify(mode)} is not one of tandem's modes (${MODES.join(', ')}); ignored`);
  return {
    rules, defaultMode: known ? mode as Mode : undefined, sandbox: { extraWritable: [] }, warnings,
    hooks: (json.value as Record<string, unknown>).hooks, where,
  };
}

/** Reads and merges every settings file that exists, then the flags. Throws SettingsError. */
export async function loadPermissionSettings(opts: LoadSettingsOptions): Promise<PermissionSettings> {
  const merged: PermissionSettings = {
    rules: [],
    defaultMode: 'default',
    modeSource: 'default',
    sandbox: { enabled: false, network: false, extraWritable: [], denyRead: [] },
    inheritCredentials: false,
    files: [],
    warnings: [],
    hooks: [],
    ignored: [],
  };
  const trusted = opts.trusted ?? true;
  const sources = settingsSources(opts);
  const userFile = sources.find((s) => s.scope === 'user' && s.format === 'tandem')!.file;
  const localFile = sources.find((s) => s.scope === 'local' && s.format === 'tandem')?.file ?? path.join(opts.workspaceRoot, '.tandem', 'settings.local.json');
  for (const source of sources) {
    const { file } = source;
    const text = await readSettingsFile(file);
    if (text === undefined) continue;
    const s = source.format === 'claude' ? parseClaudeSettingsText(text, file) : parseSettingsText(text, file, opts);
    if (source.scope !== 'user' && !trusted) {
      const keep = source.scope === 'local' && source.format === 'tandem' ? new Set(opts.granted ?? []) : new Set<string>();
      untrusted(s, merged, path.relative(opts.workspaceRoot, file), keep);
    }
    else if (source.scope === 'project') distrust(s, merged, { user: userFile, local: localFile });
    merged.files.push(file);
    merged.rules.push(...s.rules);
    merged.warnings.push(...s.warnings);
    if (s.hooks !== undefined) merged.hooks.push({ file, scope: source.scope, hooks: s.hooks });
    if (s.defaultMode) {
      merged.defaultMode = s.defaultMode;
      merged.modeSource = file;
    }
    merged.sandbox.enabled = s.sandbox.enabled ?? merged.sandbox.enabled;
    merged.sandbox.network = s.sandbox.network ?? merged.sandbox.network;
    merged.sandbox.extraWritable.push(...s.sandbox.extraWritable);
    merged.sandbox.denyRead.push(...(s.sandbox.denyRead ?? []));
    merged.inheritCredentials = s.inheritCredentials ?? merged.inheritCredentials;
  }
  const flags: [RuleKind, string, string[] | undefined][] = [['allow', '--allow', opts.cliAllow], ['ask', '--ask', opts.cliAsk], ['deny', '--deny', opts.cliDeny]];
  for (const [kind, flag, texts] of flags) {
    for (const text of texts ?? []) {
      const rule = ruleOrThrow(text, kind, flag);
      const warning = nearMiss(rule);
      if (warning) merged.warnings.push(`${flag} ${text}: ${warning}`);
      merged.rules.push(rule);
    }
  }
  if (opts.cliMode) {
    merged.defaultMode = opts.cliMode;
    merged.modeSource = '--permission-mode';
  }
  if (opts.cliSandbox !== undefined) merged.sandbox.enabled = opts.cliSandbox;
  return merged;
}

/**
 * An untrusted workspace's file (shared or local) may only narrow: its deny and ask rules, plan mode and turning
 * the sandbox on stay; allow rules, other modes, hooks, credentials and sandbox loosening are dropped and listed.
 */
function untrusted(s: FileSettings, merged: PermissionSettings, shown: string, granted: ReadonlySet<string>): void {
  const dropped: string[] = [];
  const allow = s.rules.filter((r) => r.kind === 'allow' && !granted.has(r.text));
  if (allow.length) dropped.push(`allow ${allow.map((r) => r.text).join(', ')}`);
  s.rules = s.rules.filter((r) => r.kind !== 'allow' || granted.has(r.text));
  if (s.defaultMode && s.defaultMode !== 'plan') {
    if (s.defaultMode !== 'default') dropped.push(`mode ${s.defaultMode}`);
    s.defaultMode = undefined;
  }
  if (s.hooks !== undefined) {
    dropped.push('hooks');
    s.hooks = undefined;
  }
  if (s.inheritCredentials) dropped.push('env.inheritCredentials');
  s.inheritCredentials = undefined;
  if (s.sandbox.enabled === false || s.sandbox.network || s.sandbox.extraWritable.length) dropped.push('sandbox changes');
  if (s.sandbox.enabled === false) s.sandbox.enabled = undefined;
  s.sandbox.network = undefined;
  s.sandbox.extraWritable = [];
  if (dropped.length) merged.ignored.push(`${shown}: ${dropped.join('; ')}`);
}

/**
 * A shared project file may tighten anything, but what would loosen the user's own choices is dropped from it
 * with a warning saying where to set it instead: bypassPermissions, credentials in commands, and turning the
 * sandbox off, giving it the network or more writable folders.
 */
function distrust(s: FileSettings, merged: PermissionSettings, files: { user: string; local: string }): void {
  const elsewhere = `set it in your user settings (${files.user}) or in ${files.local}`;
  const ignore = (where: PropertyKey[], what: string, instead = elsewhere) =>
    s.warnings.push(`${s.where(where)}: ${what} is ignored in the project's shared settings, which a cloned repository could set; to use it, ${instead}`);
  // Warn only where the value would have changed something.
  if (s.defaultMode === 'bypassPermissions') {
    ignore(['permissions', 'defaultMode'], '"defaultMode": "bypassPermissions"', `${elsewhere}, or pass --permission-mode bypassPermissions`);
    s.defaultMode = undefined;
  }
  if (s.inheritCredentials) {
    if (!merged.inheritCredentials) ignore(['env', 'inheritCredentials'], '"env.inheritCredentials": true');
    s.inheritCredentials = undefined;
  }
  if (s.sandbox.enabled === false) {
    if (merged.sandbox.enabled) ignore(['sandbox', 'enabled'], '"sandbox.enabled": false');
    s.sandbox.enabled = undefined;
  }
  if (s.sandbox.network) {
    if (!merged.sandbox.network) ignore(['sandbox', 'network'], '"sandbox.network": true');
    s.sandbox.network = undefined;
  }
  if (s.sandbox.extraWritable.length) {
    ignore(['sandbox', 'extraWritable'], '"sandbox.extraWritable"');
    s.sandbox.extraWritable = [];
  }
}

async function readSettingsFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SettingsError(`cannot read settings: ${(err as Error).message}`, file);
  }
}

function ruleOrThrow(text: string, kind: RuleKind, source: string, where?: Location): PermissionRule {
  try {
    return { ...parseRule(text), kind, source };
  } catch (err) {
    if (!(err instanceof RuleSyntaxError)) throw err;
    const prefix = where ? `permissions.${kind}: ` : `${kind} rule: `;
    throw new SettingsError(prefix + err.message, source, where);
  }
}

/** Rules for other tools are kept (and never match); one that looks like a misspelt tandem tool is worth a word. */
function nearMiss(rule: PermissionRule): string | undefined {
  if (rule.tool in KNOWN_TOOLS) return undefined;
  const known = Object.keys(KNOWN_TOOLS).find((k) => k.toLowerCase() === rule.tool.toLowerCase());
  return known ? `"${rule.text}" names no tandem tool; tool names are case-sensitive (did you mean ${known}?)` : undefined;
}

function dotted(p: readonly PropertyKey[]): string {
  if (!p.length) return 'settings';
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

function expandPath(p: string, { home, workspaceRoot }: { home: string; workspaceRoot: string }): string {
  if (p === '~' || p.startsWith('~/')) return path.join(home, p.slice(1));
  return path.resolve(workspaceRoot, p);
}
