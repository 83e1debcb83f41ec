// The skill tool: the model loads a skill's instructions (SKILL.md without its front matter) by name, with its
// folder and the files in it, when it decides the task calls for the skill.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { AgentTool, ToolDetails } from '../../core/types.js';
import { defineTool, ToolError } from '../../tools/tool.js';
import { parseFrontMatter } from '../frontmatter.js';
import type { Skill } from './loader.js';

const MAX_LISTED_FILES = 50;

export interface SkillToolDetails extends ToolDetails { kind: 'skill'; skill: string; dir: string }

export function createSkillTool(skills: Skill[]): AgentTool {
  const byName = new Map(skills.map((s) => [s.name, s]));
  return defineTool({
    name: 'skill',
    description: 'Loads a skill (listed under "Skills" in the system prompt) by name: its instructions, its folder and the files in it. Use it before a task that matches a skill\'s description.',
    schema: z.object({ name: z.string().describe("The skill's name, as listed.") }),
    readOnly: true,
    summarize: (input) => input.name,
    async execute(input) {
      const skill = byName.get(input.name) ?? byName.get(input.name.toLowerCase().trim());
      if (!skill) throw new ToolError(`No skill named "${input.name}". Skills: ${[...byName.keys()].join(', ') || 'none'}.`);
      const text = await readFile(skill.file, 'utf8').catch((err: Error) => {
        throw new ToolError(`Cannot read ${skill.file}: ${err.message}`);
      });
      const { body } = await parseFrontMatter(text);
      const files = (await filesUnder(skill.dir)).filter((f) => f !== 'SKILL.md');
      const listing = files.length
        ? `\n\nFiles in the skill's folder (read them with read_file when the instructions call for them):\n${files.slice(0, MAX_LISTED_FILES).map((f) => `- ${path.join(skill.dir, f)}`).join('\n')}${files.length > MAX_LISTED_FILES ? `\n- … ${files.length - MAX_LISTED_FILES} more` : ''}`
        : '';
      const details: SkillToolDetails = { kind: 'skill', skill: skill.name, dir: skill.dir };
      return {
        content: `<skill name="${skill.name}" dir="${skill.dir}">\n${body.trim()}\n</skill>${listing}`,
        details,
      };
    },
  });
}

async function filesUnder(dir: string, rel = '', depth = 0, out: string[] = []): Promise<string[]> {
  if (depth > 3 || out.length > MAX_LISTED_FILES * 2) return out;
  const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const child = path.join(rel, e.name);
    if (e.isDirectory()) await filesUnder(dir, child, depth + 1, out);
    else out.push(child);
  }
  return out;
}
