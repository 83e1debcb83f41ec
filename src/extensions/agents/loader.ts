// Subagent types from Markdown files, in Claude Code's layout: `.tandem/agents/` and `.claude/agents/` in the
// project (only in a trusted workspace: a cloned repository's agents get nothing until then), then
// `~/.tandem/agents/` and `~/.claude/agents/` for the user. Front matter: name, description, tools, model; the
// body is the system prompt. A name found twice keeps the first (project before user).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { listField, parseFrontMatter, stringField } from '../frontmatter.js';
import type { AgentDefinition } from './definition.js';
import { extensionFolders } from '../folders.js';

export interface AgentFolders {
  workspaceRoot: string;
  /** The user's home (for ~/.claude). */
  home: string;
  /** tandem's own home (~/.tandem, or TANDEM_HOME). */
  tandemHome: string;
  trusted: boolean;
}

export interface LoadedAgents {
  agents: AgentDefinition[];
  warnings: string[];
  /** Project agent files not loaded because the workspace is not trusted. */
  skippedUntrusted: number;
}

const MAX_FILES = 200;
const NAME = /^[A-Za-z0-9][\w.-]*$/;

export async function loadAgentDefinitions(f: AgentFolders): Promise<LoadedAgents> {
  const out: LoadedAgents = { agents: [], warnings: [], skippedUntrusted: 0 };
  const seen = new Set<string>();
  for (const folder of extensionFolders(f, 'agents')) {
    const files = await markdownFiles(folder.dir);
    if (folder.scope === 'project' && !f.trusted) {
      out.skippedUntrusted += files.length;
      continue;
    }
    for (const file of files) {
      const shown = `${folder.shown}/${file}`;
      let text: string;
      try {
        text = await readFile(path.join(folder.dir, file), 'utf8');
      } catch (err) {
        out.warnings.push(`${shown}: not loaded (${(err as Error).message})`);
        continue;
      }
      const parsed = await parseFrontMatter(text);
      if (parsed.error) {
        out.warnings.push(`${shown}: not loaded (${parsed.error})`);
        continue;
      }
      const name = stringField(parsed.data, 'name') ?? file.replace(/\.md$/, '');
      if (!NAME.test(name)) {
        out.warnings.push(`${shown}: not loaded (the name "${name}" may hold letters, digits, '.', '_' and '-' only)`);
        continue;
      }
      const description = stringField(parsed.data, 'description');
      if (!description) {
        out.warnings.push(`${shown}: not loaded (the front matter needs a description: when to use this agent)`);
        continue;
      }
      if (seen.has(name.toLowerCase())) continue;
      seen.add(name.toLowerCase());
      const tools = listField(parsed.data, 'tools');
      const model = stringField(parsed.data, 'model');
      const prompt = parsed.body.trim();
      out.agents.push({
        name,
        description,
        ...(tools.length ? { tools } : {}),
        ...(model && model !== 'inherit' ? { model } : {}),
        ...(prompt ? { prompt } : {}),
        source: path.join(folder.dir, file),
      });
    }
  }
  return out;
}

/** `.md` files directly in `dir`, sorted; none when the folder is missing. */
async function markdownFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.md'))
    .map((e) => e.name)
    .sort()
    .slice(0, MAX_FILES);
}
