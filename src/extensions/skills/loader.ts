// Agent Skills: a folder holding SKILL.md (front matter `name` and `description`, then instructions) and any
// files the instructions point to. From `.tandem/skills/` and `.claude/skills/` in the project (only in a
// trusted workspace), then `~/.tandem/skills/` and `~/.claude/skills/`. Only names and descriptions reach the
// system prompt; the model loads a skill's body with the skill tool when a task calls for it.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFrontMatter, stringField } from '../frontmatter.js';
import type { CommandFolders } from '../commands/loader.js';
import { extensionFolders } from '../folders.js';

export interface Skill {
  name: string;
  description: string;
  /** The skill's folder (its files are read from there). */
  dir: string;
  file: string;
  scope: 'project' | 'user';
}

export interface LoadedSkills {
  skills: Skill[];
  warnings: string[];
  skippedUntrusted: number;
}

const MAX_SKILLS = 200;
const MAX_DESCRIPTION = 1024;

export async function loadSkills(f: CommandFolders): Promise<LoadedSkills> {
  const out: LoadedSkills = { skills: [], warnings: [], skippedUntrusted: 0 };
  const folders = extensionFolders(f, 'skills');
  const seen = new Set<string>();
  for (const folder of folders) {
    const entries = await readdir(folder.dir, { withFileTypes: true }).catch(() => []);
    const dirs = entries.filter((e) => e.isDirectory() || e.isSymbolicLink()).map((e) => e.name).sort();
    for (const name of dirs) {
      const dir = path.join(folder.dir, name);
      const file = path.join(dir, 'SKILL.md');
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      if (folder.scope === 'project' && !f.trusted) {
        out.skippedUntrusted++;
        continue;
      }
      const shown = `${folder.shown}/${name}/SKILL.md`;
      const parsed = await parseFrontMatter(text);
      const skillName = stringField(parsed.data, 'name') ?? name;
      const description = stringField(parsed.data, 'description');
      if (parsed.error || !description) {
        out.warnings.push(`${shown}: not loaded (${parsed.error ?? 'its front matter needs a description: what the skill does and when to use it'})`);
        continue;
      }
      if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(skillName)) {
        out.warnings.push(`${shown}: not loaded (name "${skillName}": lowercase letters, digits and hyphens, at most 64)`);
        continue;
      }
      if (seen.has(skillName)) continue;
      seen.add(skillName);
      out.skills.push({
        name: skillName,
        description: description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION - 1)}…` : description,
        dir, file, scope: folder.scope,
      });
      if (out.skills.length >= MAX_SKILLS) return out;
    }
  }
  return out;
}

/** The system prompt's section: each skill's name and description, and how to use one. */
export function skillsPromptSection(skills: Skill[]): string | undefined {
  if (!skills.length) return undefined;
  const lines = skills.map((s) => `- ${s.name}: ${s.description.replace(/\s+/g, ' ')}`);
  return `# Skills

Skills are instructions and files for particular tasks. When a task matches a skill's description, call the skill tool with its name before starting, then follow what it says (it may point to files in its folder: read them with read_file).

${lines.join('\n')}`;
}
