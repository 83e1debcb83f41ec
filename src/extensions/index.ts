// What the user's and the project's files add to a session: custom slash commands and skills.
import { loadCommandFiles, type CommandFolders } from './commands/loader.js';
import { CommandRegistry } from './commands/registry.js';
import { loadSkills, type Skill } from './skills/loader.js';

export { CommandRegistry, type CommandPrompt, type ExpandContext, type SlashCommand } from './commands/registry.js';
export { createSkillTool } from './skills/skill-tool.js';
export { skillsPromptSection, type Skill } from './skills/loader.js';
export type { CommandFolders } from './commands/loader.js';

export interface LoadedExtensions {
  commands: CommandRegistry;
  skills: Skill[];
  warnings: string[];
  /** Project commands and skills left out because the workspace is not trusted (trust.ts tells the person). */
  skippedUntrusted: number;
}

export async function loadCommandsAndSkills(f: CommandFolders): Promise<LoadedExtensions> {
  const [commands, skills] = await Promise.all([loadCommandFiles(f), loadSkills(f)]);
  const registry = new CommandRegistry();
  for (const c of commands.commands) registry.add(c);
  return {
    commands: registry,
    skills: skills.skills,
    warnings: [...commands.warnings, ...skills.warnings],
    skippedUntrusted: commands.skippedUntrusted + skills.skippedUntrusted,
  };
}
