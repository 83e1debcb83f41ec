// Custom slash commands from Markdown files, in Claude Code's layout: `.tandem/commands/` and
// `.claude/commands/` in the project (only in a trusted workspace), `~/.tandem/commands/` and
// `~/.claude/commands/` for the user. A subfolder is a namespace: `frontend/lint.md` is `/frontend:lint`.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { listField, parseFrontMatter, stringField } from '../frontmatter.js';
import { expandCommandBody } from './expand.js';
import type { SlashCommand } from './registry.js';
import { extensionFolders } from '../folders.js';

export interface CommandFolders {
  workspaceRoot: string;
  /** The user's home (for ~/.claude). */
  home: string;
  /** tandem's own home (~/.tandem, or TANDEM_HOME). */
  tandemHome: string;
  /** Project folders load only in a trusted workspace: a cloned repository's commands run nothing until then. */
  trusted: boolean;
}

export interface LoadedCommands {
  commands: SlashCommand[];
  warnings: string[];
  /** Project commands that were not loaded because the workspace is not trusted. */
  skippedUntrusted: number;
}

const MAX_FILES = 500;
const MAX_DEPTH = 4;
const SEGMENT = /^[\w.-]+$/;

export async function loadCommandFiles(f: CommandFolders): Promise<LoadedCommands> {
  const out: LoadedCommands = { commands: [], warnings: [], skippedUntrusted: 0 };
  const seen = new Set<string>();
  for (const folder of extensionFolders(f, 'commands')) {
    const files = await markdownFiles(folder.dir);
    if (folder.scope === 'project' && !f.trusted) {
      out.skippedUntrusted += files.length;
      continue;
    }
    for (const rel of files) {
      const segments = rel.slice(0, -'.md'.length).split(path.sep);
      if (!segments.every((s) => SEGMENT.test(s))) {
        out.warnings.push(`${folder.shown}/${rel}: not loaded (a command name may hold letters, digits, '.', '_' and '-' only)`);
        continue;
      }
      const name = `/${segments.join(':')}`;
      if (seen.has(name)) continue;
      seen.add(name);
      const file = path.join(folder.dir, rel);
      const parsed = await parseFrontMatter(await readFile(file, 'utf8'));
      if (parsed.error) out.warnings.push(`${folder.shown}/${rel}: ${parsed.error}; the file is used without it`);
      const body = parsed.body;
      const model = stringField(parsed.data, 'model');
      out.commands.push({
        name,
        description: stringField(parsed.data, 'description') ?? firstLineOf(body) ?? `${folder.scope} command`,
        argumentHint: stringField(parsed.data, 'argument-hint'),
        source: `${folder.scope} ${folder.shown}/${rel.split(path.sep).join('/')}`,
        allowedTools: listField(parsed.data, 'allowed-tools'),
        // Claude Code's "inherit" means the session's model.
        model: model && model !== 'inherit' ? model : undefined,
        expand: (args, ctx) => expandCommandBody(name, body, args, ctx),
      });
    }
  }
  return out;
}

function firstLineOf(body: string): string | undefined {
  const line = body.split('\n').map((l) => l.replace(/^#+\s*/, '').trim()).find(Boolean);
  return line ? (line.length > 80 ? `${line.slice(0, 77)}…` : line) : undefined;
}

/** `.md` files under `dir`, relative, sorted; none when the folder is missing. */
async function markdownFiles(dir: string, rel = '', depth = 0, found: string[] = []): Promise<string[]> {
  if (depth > MAX_DEPTH || found.length >= MAX_FILES) return found;
  const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const child = path.join(rel, e.name);
    if (e.isDirectory()) await markdownFiles(dir, child, depth + 1, found);
    else if ((e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.md')) found.push(child);
    if (found.length >= MAX_FILES) break;
  }
  return found;
}
