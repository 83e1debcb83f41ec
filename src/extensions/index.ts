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
  /** One line when an untrusted workspace's commands or skills were left out, saying how to trust it. */
  untrustedNotice?: string;
}

export async function loadCommandsAndSkills(f: CommandFolders): Promise<LoadedExtensions> {
  const [commands, skills] = await Promise.all([loadCommandFiles(f), loadSkills(f)]);
  const registry = new CommandRegistry();
  for (const c of commands.commands) registry.add(c);
  const skipped = [
    commands.skippedUntrusted ? `${commands.skippedUntrusted} command${commands.skippedUntrusted === 1 ? '' : 's'}` : '',
    skills.skippedUntrusted ? `${skills.skippedUntrusted} skill${skills.skippedUntrusted === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return {
    commands: registry,
    skills: skills.skills,
    warnings: [...commands.warnings, ...skills.warnings],
    untrustedNotice: skipped.length
      ? `this workspace is not trusted: its ${skipped.join(' and ')} ${skipped.length === 1 && commands.skippedUntrusted + skills.skippedUntrusted === 1 ? 'was' : 'were'} not loaded (tandem trust, or --trust, trusts it)`
      : undefined,
  };
}
