// The folders an extension kind (agents, commands, skills) loads from, in Claude Code's layout, highest
// precedence first: `.tandem/<kind>/` and `.claude/<kind>/` in the project, then `~/.tandem/<kind>/` and
// `~/.claude/<kind>/` for the user.
import path from 'node:path';

export interface ExtensionFolderRoots {
  workspaceRoot: string;
  /** The user's home (for ~/.claude). */
  home: string;
  /** tandem's own home (~/.tandem, or TANDEM_HOME). */
  tandemHome: string;
}

export interface ExtensionFolder {
  dir: string;
  scope: 'project' | 'user';
  shown: string;
}

export function extensionFolders(f: ExtensionFolderRoots, kind: 'agents' | 'commands' | 'skills'): ExtensionFolder[] {
  return [
    { dir: path.join(f.workspaceRoot, '.tandem', kind), scope: 'project', shown: `.tandem/${kind}` },
    { dir: path.join(f.workspaceRoot, '.claude', kind), scope: 'project', shown: `.claude/${kind}` },
    { dir: path.join(f.tandemHome, kind), scope: 'user', shown: `~/.tandem/${kind}` },
    { dir: path.join(f.home, '.claude', kind), scope: 'user', shown: `~/.claude/${kind}` },
  ];
}
