// What the sandbox keeps from commands inside the writable workspace, and what it hides from them.
//
// Protected paths (tandem's and Claude Code's configuration, .mcp.json, git hooks and config) are read-only
// inside the sandbox whether or not they exist: an existing one is bound onto itself read-only; a missing one
// gets an empty read-only guard (a folder, or a file) bound in its place, so nothing can be created there. bwrap
// makes the mount point on the host (an empty folder or file), which git and the settings loaders ignore;
// `removePlaceholders` takes away those still empty once no sandboxed command runs.
//
// Hidden paths (credentials by default, plus sandbox.denyRead) are covered: folders by an empty guard, files by
// /dev/null; ~/.npmrc is replaced by a copy without its token lines, so registries keep working.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Paths inside the workspace that commands never write: relative, with whether each is a folder. */
export const PROTECTED_PATHS: ReadonlyArray<{ rel: string; dir: boolean }> = [
  { rel: '.tandem', dir: true },
  { rel: '.claude', dir: true },
  { rel: '.mcp.json', dir: false },
  { rel: '.git/hooks', dir: true },
  { rel: '.git/config', dir: false },
];

/** Why a real path inside `root` is protected (its protected ancestor), or undefined. */
export function protectedPathOf(root: string, real: string): string | undefined {
  for (const p of PROTECTED_PATHS) {
    const abs = path.join(root, p.rel);
    if (real === abs || real.startsWith(abs + path.sep)) return p.rel;
  }
  return undefined;
}

/** Credentials hidden from sandboxed commands unless the user lists them otherwise (home-relative). */
export const DEFAULT_DENY_READ = [
  '.ssh', '.aws', '.config/gcloud', '.netrc', '.docker/config.json', '.kube', '.azure', '.gnupg',
  '.config/gh/hosts.yml', '.git-credentials', '.pypirc', '.cargo/credentials.toml', '.cargo/credentials',
  '.claude/.credentials.json', '.claude.json', '.claude/projects', '.tandem/projects',
];

export interface Guards {
  /** An empty folder and an empty file, bound read-only over what must stay empty. */
  dir: string;
  file: string;
  /** Where filtered copies (the token-free ~/.npmrc) are written. */
  scratch: string;
}

/** Makes the guards under `base` (tandem's private temp folder). */
export function makeGuards(base: string): Guards {
  const dir = path.join(base, 'guard-dir');
  const file = path.join(base, 'guard-file');
  const scratch = path.join(base, 'scratch');
  mkdirSync(dir, { recursive: true, mode: 0o500 });
  mkdirSync(scratch, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) writeFileSync(file, '', { mode: 0o400 });
  return { dir, file, scratch };
}

/**
 * bwrap arguments that make the protected paths read-only (after the workspace bind), and the paths that did
 * not exist (bwrap creates their mount points). A `.git` that is missing is guarded whole, so `git init`
 * cannot make hooks; a `.git` file (a worktree's link) is bound read-only itself.
 */
export function protectArgs(workspace: string, guards: Guards): { args: string[]; placeholders: string[] } {
  const args: string[] = [];
  const placeholders: string[] = [];
  const bind = (abs: string, dir: boolean) => {
    if (existsSync(abs)) {
      args.push('--ro-bind', abs, abs);
    } else {
      args.push('--ro-bind', dir ? guards.dir : guards.file, abs);
      placeholders.push(abs);
    }
  };
  const git = path.join(workspace, '.git');
  const gitKind = kindOf(git);
  for (const p of PROTECTED_PATHS) {
    const abs = path.join(workspace, p.rel);
    if (p.rel.startsWith('.git/')) {
      if (gitKind === 'file' && p.rel === '.git/hooks') bind(git, false);
      if (gitKind === 'missing' && p.rel === '.git/hooks') bind(git, true);
      if (gitKind !== 'dir') continue;
    }
    bind(abs, p.dir);
  }
  return { args, placeholders };
}

/** bwrap arguments hiding `paths` (absolute; missing ones skipped); ~/.npmrc becomes a copy without tokens. */
export function denyReadArgs(paths: string[], home: string, guards: Guards): string[] {
  const args: string[] = [];
  for (const abs of [...new Set(paths)]) {
    const kind = kindOf(abs);
    if (kind === 'missing') continue;
    args.push(kind === 'dir' ? '--ro-bind' : '--ro-bind', kind === 'dir' ? guards.dir : '/dev/null', abs);
  }
  const npmrc = path.join(home, '.npmrc');
  if (kindOf(npmrc) === 'file' && !paths.includes(npmrc)) {
    try {
      const kept = readFileSync(npmrc, 'utf8').split('\n')
        .filter((line) => !/(_authToken|_auth|_password|password|token)\s*=/i.test(line)).join('\n');
      const copy = path.join(guards.scratch, 'npmrc');
      writeFileSync(copy, kept, { mode: 0o600 });
      args.push('--ro-bind', copy, npmrc);
    } catch {
      args.push('--ro-bind', '/dev/null', npmrc);
    }
  }
  return args;
}

/** The default hidden paths under `home`, plus the user's. */
export function hiddenPaths(home: string, tandemHome: string, extra: string[]): string[] {
  const defaults = DEFAULT_DENY_READ.map((rel) => path.join(home, rel));
  return [...defaults, path.join(tandemHome, 'projects'), path.join(tandemHome, 'sessions'), ...extra];
}

/** Removes placeholders bwrap left that are still empty (a folder with nothing in it, a 0-byte file). */
export function removePlaceholders(placeholders: Iterable<string>): void {
  for (const p of placeholders) {
    try {
      const st = lstatSync(p);
      if (st.isDirectory() && readdirSync(p).length === 0) rmdirSync(p);
      else if (st.isFile() && st.size === 0) unlinkSync(p);
    } catch {
      // gone already, or not ours to remove
    }
  }
}

function kindOf(p: string): 'dir' | 'file' | 'missing' {
  try {
    return statSync(p).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}
