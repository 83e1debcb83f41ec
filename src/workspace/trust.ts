// Workspace trust: a cloned repository must not run code or widen permissions just by being opened. The
// person's answer is remembered per real path in <TANDEM_HOME>/trusted.json; a folder inherits the nearest
// answer among itself and its parents (trusting ~/src trusts every repository under it, a "no" below wins).
import { readFileSync } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

/** The file that remembers answers: `{ "workspaces": { "/real/path": { "trusted": true, "at": "ISO date" } } }`. */
export const trustStoreFile = (tandemHome: string): string => path.join(tandemHome, 'trusted.json');

interface TrustEntry { trusted: boolean; at: string }
interface TrustStore {
  workspaces: Record<string, TrustEntry>;
  /** Allow rules the person granted ("yes, always") per workspace: its settings.local.json may keep them untrusted. */
  granted?: Record<string, string[]>;
}

/** What the store says of `dir`: the nearest answer on it or a parent, with the folder it was given for. */
export interface TrustAnswer { trusted: boolean; dir: string }

function readStore(tandemHome: string): TrustStore {
  try {
    const parsed = JSON.parse(readFileSync(trustStoreFile(tandemHome), 'utf8')) as Partial<TrustStore>;
    return {
      workspaces: parsed.workspaces && typeof parsed.workspaces === 'object' ? parsed.workspaces : {},
      granted: parsed.granted && typeof parsed.granted === 'object' ? parsed.granted : {},
    };
  } catch {
    // Missing or unreadable: nothing is trusted (the safe answer); `tandem trust` rewrites it whole.
    return { workspaces: {} };
  }
}

async function realDir(dir: string): Promise<string> {
  return realpath(path.resolve(dir)).catch(() => path.resolve(dir));
}

/** The remembered answer for `dir` (or its nearest parent with one); undefined when never asked. */
export async function trustOf(tandemHome: string, dir: string): Promise<TrustAnswer | undefined> {
  const store = readStore(tandemHome);
  for (let d = await realDir(dir); ; d = path.dirname(d)) {
    const entry = store.workspaces[d];
    if (entry && typeof entry.trusted === 'boolean') return { trusted: entry.trusted, dir: d };
    if (path.dirname(d) === d) return undefined;
  }
}

/** Remembers the answer for the real path of `dir`. Returns that path. */
export async function rememberTrust(tandemHome: string, dir: string, trusted: boolean): Promise<string> {
  const real = await realDir(dir);
  const store = readStore(tandemHome);
  store.workspaces[real] = { trusted, at: new Date().toISOString() };
  await writeFileAtomic(trustStoreFile(tandemHome), `${JSON.stringify(store, null, 2)}\n`);
  return real;
}

/**
 * Remembers that the person allowed `rule` ("yes, always") in the workspace `dir`. The rule is saved in the
 * workspace's settings.local.json as before; this record, out of the repository's reach, lets that file keep it
 * while the workspace is untrusted.
 */
export async function rememberGrantedRule(tandemHome: string, dir: string, rule: string): Promise<void> {
  const real = await realDir(dir);
  const store = readStore(tandemHome);
  const granted = (store.granted ??= {});
  const rules = Array.isArray(granted[real]) ? granted[real] : [];
  if (rules.includes(rule)) return;
  granted[real] = [...rules, rule];
  await writeFileAtomic(trustStoreFile(tandemHome), `${JSON.stringify(store, null, 2)}\n`);
}

/** The rules the person granted in the workspace `dir` (its real path only). */
export async function grantedRules(tandemHome: string, dir: string): Promise<string[]> {
  const rules = readStore(tandemHome).granted?.[await realDir(dir)];
  return Array.isArray(rules) ? rules.filter((r): r is string => typeof r === 'string') : [];
}

/** Every remembered answer, sorted by folder. */
export function listTrust(tandemHome: string): (TrustEntry & { dir: string })[] {
  return Object.entries(readStore(tandemHome).workspaces).map(([dir, e]) => ({ dir, ...e })).sort((a, b) => a.dir.localeCompare(b.dir));
}

/** What a repository would add once trusted, file by file, for the trust question and the untrusted notice. */
export interface ProjectInventory {
  /** One line per thing, e.g. ".tandem/settings.json: allow Bash, Edit". Empty: nothing to trust. */
  items: string[];
}

const PROJECT_SETTINGS = ['.tandem/settings.json', '.claude/settings.json'];
const LOCAL_SETTINGS = ['.tandem/settings.local.json', '.claude/settings.local.json'];

/**
 * Reads what the repository at `root` carries that only a trusted workspace loads: allow rules and permissive
 * modes, hooks, MCP servers, local settings files, custom commands and skills. Never throws.
 */
export async function projectInventory(root: string, granted: readonly string[] = []): Promise<ProjectInventory> {
  const items: string[] = [];
  for (const rel of [...PROJECT_SETTINGS, ...LOCAL_SETTINGS]) {
    const json = await readJson(path.join(root, rel));
    if (json === undefined) continue;
    const parts: string[] = [];
    if (json === null) parts.push('unreadable JSON');
    else {
      const perms = asObject(json.permissions);
      // The person's own "always" answers, saved in tandem's local file, are theirs: nothing to trust there.
      const own = rel === '.tandem/settings.local.json' ? granted : [];
      const allow = Array.isArray(perms?.allow) ? perms.allow.filter((r): r is string => typeof r === 'string' && !own.includes(r)) : [];
      if (allow.length) parts.push(`allow ${listed(allow)}`);
      if (typeof perms?.defaultMode === 'string' && perms.defaultMode !== 'default' && perms.defaultMode !== 'plan') parts.push(`mode ${perms.defaultMode}`);
      const hooks = countHooks(json.hooks);
      if (hooks) parts.push(`${hooks} ${hooks === 1 ? 'hook' : 'hooks'} (${Object.keys(asObject(json.hooks) ?? {}).join(', ')})`);
      const servers = Object.keys(asObject(json.mcpServers) ?? {});
      if (servers.length) parts.push(`MCP ${servers.length === 1 ? 'server' : 'servers'} ${listed(servers)}`);
      const sandbox = asObject(json.sandbox);
      if (sandbox && (sandbox.enabled === false || sandbox.network === true || sandbox.extraWritable)) parts.push('sandbox changes');
      if (asObject(json.env) && LOCAL_SETTINGS.includes(rel)) parts.push('environment settings');
    }
    if (parts.length) items.push(`${rel}: ${parts.join('; ')}`);
  }
  const mcp = await readJson(path.join(root, '.mcp.json'));
  if (mcp === null) items.push('.mcp.json: unreadable JSON');
  else if (mcp) {
    const servers = Object.keys(asObject(mcp.mcpServers) ?? {});
    if (servers.length) items.push(`.mcp.json: MCP ${servers.length === 1 ? 'server' : 'servers'} ${listed(servers)}`);
  }
  for (const rel of ['.tandem/commands', '.claude/commands', '.tandem/skills', '.claude/skills']) {
    const n = await countEntries(path.join(root, rel), rel.endsWith('skills'));
    if (n) items.push(`${rel}: ${n} ${rel.endsWith('skills') ? (n === 1 ? 'skill' : 'skills') : (n === 1 ? 'command' : 'commands')}`);
  }
  for (const rel of ['.tandem/agents', '.claude/agents']) {
    const n = await countEntries(path.join(root, rel), false);
    if (n) items.push(`${rel}: ${n} subagent ${n === 1 ? 'type' : 'types'}`);
  }
  return { items };
}

/** The one line print mode (and every non-asking front end) prints in an untrusted workspace with something to trust. */
export function untrustedNotice(inventory: ProjectInventory, root: string): string {
  return `this workspace is not trusted, so its own settings only narrow permissions; ignored: ${inventory.items.join(' · ')}. ` +
    `To use them: tandem trust ${shellQuote(root)} (remembered), or pass --trust`;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function listed(names: string[]): string {
  return names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
}

function countHooks(hooks: unknown): number {
  let n = 0;
  for (const groups of Object.values(asObject(hooks) ?? {})) {
    if (!Array.isArray(groups)) continue;
    for (const g of groups) n += Array.isArray(asObject(g)?.hooks) ? (asObject(g)!.hooks as unknown[]).length : 0;
  }
  return n;
}

/** The parsed object; undefined when the file is missing; null when it is there but not a JSON object. */
async function readJson(file: string): Promise<Record<string, unknown> | null | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  if (!text.trim()) return undefined;
  try {
    return asObject(JSON.parse(text)) ?? null;
  } catch {
    return null;
  }
}

/** Markdown files under a commands folder (any depth), or skill folders (each with a SKILL.md). */
async function countEntries(dir: string, skills: boolean): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: !skills }).catch(() => []);
  return entries.filter((e) => (skills ? e.isDirectory() : e.isFile() && e.name.endsWith('.md'))).length;
}
