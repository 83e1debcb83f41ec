// `/init`: the model explores the repository and writes an AGENTS.md for it (the file tandem, Codex, Cursor and
// others read; Claude Code users can import it from CLAUDE.md with `@AGENTS.md`). The write goes through the
// permission rules like any edit, so in the UI the person sees the file's diff before it is written.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SlashCommand } from '../extensions/commands/registry.js';

const OTHER_RULES = ['CLAUDE.md', 'CLAUDE.local.md', '.cursorrules', '.cursor/rules', '.github/copilot-instructions.md', '.windsurfrules', 'GEMINI.md', 'README.md', 'CONTRIBUTING.md'];

export function createInitCommand(): SlashCommand {
  return {
    name: '/init',
    description: 'explore the project and write an AGENTS.md for it (you see the file before it is written)',
    argumentHint: '[what to stress]',
    source: 'built in',
    async expand(args, ctx) {
      const root = ctx.workspaceRoot;
      const existing = existsSync(path.join(root, 'AGENTS.md'));
      const others = OTHER_RULES.filter((f) => existsSync(path.join(root, f)));
      const text = [
        existing
          ? 'This project already has an AGENTS.md. Read it, explore the repository, and improve it: correct what is out of date, add what is missing, keep what is right.'
          : 'Explore this repository and write an AGENTS.md at its root: the instructions a coding agent new to the project needs to work in it well.',
        '',
        'Find out, by reading files and running harmless commands (background_run for anything slow):',
        '- how to install, build, lint, format and test, including how to run a single test; the exact commands;',
        '- the architecture in a few lines: the main folders, what depends on what, where to start reading;',
        '- conventions the code follows that are not obvious from one file (naming, error handling, style, commits);',
        '- traps: generated files not to edit, slow or flaky steps, required services or environment variables.',
        others.length ? `Fold in what matters from ${others.join(', ')}, without copying them whole.` : '',
        '',
        'Keep it short (under ~150 lines), concrete and specific to this project: no generic advice, nothing a',
        'reader would find by listing the folder. Write it with write_file (AGENTS.md), then say in two or three',
        'lines what it covers.',
        args.trim() ? `\nThe user asks you to stress: ${args.trim()}` : '',
      ].filter((line, i, all) => line !== '' || all[i - 1] !== '').join('\n');
      return { content: [{ type: 'text', text }], notes: [] };
    },
  };
}
