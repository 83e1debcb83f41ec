// Project instructions for the system prompt, as Claude Code and AGENTS.md tools lay them out: the user's own
// files, then AGENTS.md / CLAUDE.md / .claude/CLAUDE.md / CLAUDE.local.md from the outermost parent folder down
// to the workspace, each followed by the files it imports with `@path` (relative to the importing file, or `~/`;
// at most MAX_IMPORT_DEPTH levels; a file already included is not included again, so cycles end).
import { readFileSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isInside } from '../workspace/paths.js';

export interface InstructionFile {
  path: string;
  text: string;
  /** The file whose `@path` brought this one in. */
  importedBy?: string;
}

export interface InstructionOptions {
  /** The workspace root. */
  cwd: string;
  /** tandem's home (TANDEM_HOME): its AGENTS.md is the user's own. */
  home: string;
  /** The user's home folder, for `~/` and ~/.claude/CLAUDE.md (default os.homedir()). */
  userHome?: string;
  /** Claude Code's user folder (CLAUDE_CONFIG_DIR; default <userHome>/.claude): its CLAUDE.md is the user's own. */
  claudeUserDir?: string;
  /**
   * The workspace is trusted. Untrusted, a file inside it may import only files inside it: a cloned repository
   * must not pull `@~/.ssh/id_rsa` into what goes to the model.
   */
  trusted?: boolean;
  /** Problems worth a line (a refused import). */
  warn?: (line: string) => void;
}

export const MAX_INSTRUCTIONS_BYTES = 40_000;
export const MAX_IMPORT_DEPTH = 5;

/** The instruction files in the order they go into the prompt, imports after their importer. Never throws. */
export function findInstructionFiles(opts: InstructionOptions): InstructionFile[] {
  const userHome = opts.userHome ?? os.homedir();
  const dirs: string[] = [];
  for (let dir = path.resolve(opts.cwd); ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  const candidates = [path.join(opts.home, 'AGENTS.md'), path.join(opts.claudeUserDir ?? path.join(userHome, '.claude'), 'CLAUDE.md')];
  for (const dir of dirs) {
    candidates.push(path.join(dir, 'AGENTS.md'), path.join(dir, 'CLAUDE.md'), path.join(dir, '.claude', 'CLAUDE.md'), path.join(dir, 'CLAUDE.local.md'));
  }
  const found: InstructionFile[] = [];
  const included = new Set<string>();
  let budget = MAX_INSTRUCTIONS_BYTES;
  const workspace = realOrSame(path.resolve(opts.cwd));

  const add = (file: string, importedBy: string | undefined, depth: number): void => {
    if (budget <= 0) return;
    const real = realOrSame(file);
    if (included.has(real) || !isFile(real)) return;
    included.add(real);
    let text: string;
    try {
      text = readFileSync(real, 'utf8');
    } catch {
      return;
    }
    if (text.length > budget) text = `${text.slice(0, budget)}\n[... truncated: instructions exceed ${MAX_INSTRUCTIONS_BYTES} bytes]`;
    budget -= text.length;
    found.push({ path: file, text, ...(importedBy ? { importedBy } : {}) });
    const confined = !opts.trusted && isInside(workspace, real);
    for (const ref of importsOf(text)) {
      const target = resolveImport(ref, path.dirname(file), userHome);
      if (!isFile(target)) continue; // `@someone` in prose, not a file
      const targetReal = realOrSame(target);
      if (included.has(targetReal)) continue; // included already (a cycle, or imported twice)
      if (depth >= MAX_IMPORT_DEPTH) {
        opts.warn?.(`${file}: @${ref} not imported: imports nest at most ${MAX_IMPORT_DEPTH} levels deep`);
        continue;
      }
      if (confined && !isInside(workspace, targetReal)) {
        opts.warn?.(`${file}: @${ref} not imported: it is outside the workspace, which is not trusted (tandem trust trusts it)`);
        continue;
      }
      add(target, file, depth + 1);
    }
  };
  for (const file of candidates) add(file, undefined, 0);
  return found;
}

/** `@path` references outside code blocks and code spans, as Claude Code reads them. */
export function importsOf(text: string): string[] {
  const refs: string[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    const prose = line.replace(/`[^`]*`/g, ' ');
    for (const m of prose.matchAll(/(?:^|\s)@((?:~\/|\.{1,2}\/|\/)?[^\s@`]+)/g)) {
      refs.push(m[1]!.replace(/[.,;:!?)\]]+$/, ''));
    }
  }
  return refs;
}

function resolveImport(ref: string, fromDir: string, userHome: string): string {
  if (ref.startsWith('~/')) return path.join(userHome, ref.slice(2));
  return path.resolve(fromDir, ref);
}

function realOrSame(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
