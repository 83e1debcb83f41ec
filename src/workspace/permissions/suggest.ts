// Rules that would allow what was asked ("yes, always"), and the print-mode message that turns an "ask" into a
// denial the model can act on.
import path from 'node:path';
import { isInside } from '../paths.js';
import { escapeGlob } from './rules.js';
import { type Arg, isDynamic, quoteArg } from './shell-words.js';
import type { Decision } from './types.js';

/** Programs whose second word is a subcommand worth keeping in a suggested rule (`git push`, not `git`). */
const SUBCOMMAND_TOOLS = new Set([
  'git', 'npm', 'pnpm', 'yarn', 'bun', 'deno', 'npx', 'bunx', 'cargo', 'go', 'docker', 'podman', 'kubectl', 'helm',
  'pip', 'pip3', 'uv', 'poetry', 'gh', 'make', 'just', 'dotnet', 'mvn', 'gradle', './gradlew', 'terraform', 'brew',
  'apt', 'apt-get', 'systemctl', 'rustup', 'nx', 'turbo', 'composer', 'bundle', 'rake', 'mix', 'swift', 'zig',
]);
const RUNNERS = new Set(['npm', 'pnpm', 'yarn', 'bun']);

/** A prefix rule for a simple command (`Bash(git push:*)`), or undefined when its name is only known at run time. */
export function suggestCommandRule(argv: readonly Arg[], assigns: readonly Arg[] = []): string | undefined {
  if (assigns.some(isDynamic)) return undefined;
  const words = [...(assigns as string[]), ...prefixWords(argv)];
  const firstDynamic = words.findIndex((w) => isDynamic(w as Arg));
  const kept = firstDynamic < 0 ? words : words.slice(0, firstDynamic);
  if (kept.length <= assigns.length) return undefined;
  return `Bash(${kept.map(quoteArg).join(' ')}:*)`;
}

function prefixWords(argv: readonly Arg[]): Arg[] {
  const [name, second, third] = argv;
  if (name === undefined || isDynamic(name)) return [];
  if ((name === 'sudo' || name === 'doas') && argv.length > 1 && typeof second === 'string' && !second.startsWith('-')) {
    return [name, ...prefixWords(argv.slice(1))];
  }
  const subcommand = (w: Arg | undefined): w is string => typeof w === 'string' && /^[A-Za-z][\w:.-]*$/.test(w);
  if (!SUBCOMMAND_TOOLS.has(path.basename(name)) && !SUBCOMMAND_TOOLS.has(name)) return [name];
  if (!subcommand(second)) return [name];
  if (RUNNERS.has(name) && second === 'run' && subcommand(third)) return [name, second, third];
  return [name, second];
}

/** `Edit(src/**)` for a file in src/, `Edit(./out.txt)` at the top, `Edit(//etc/hosts)` or `Edit(~/.x)` outside. */
export function suggestPathRule(tool: 'Read' | 'Edit', abs: string, ctx: { root: string; home: string }): string {
  if (isInside(ctx.root, abs) && abs !== ctx.root) {
    const rel = path.relative(ctx.root, abs).split(path.sep);
    return rel.length > 1 ? `${tool}(${escapeGlob(rel[0])}/**)` : `${tool}(./${escapeGlob(rel[0])})`;
  }
  if (isInside(ctx.home, abs) && abs !== ctx.home) return `${tool}(~/${escapeGlob(path.relative(ctx.home, abs))})`;
  return `${tool}(/${escapeGlob(abs)})`;
}

/**
 * Print mode: nobody can answer, so "ask" becomes "deny". The reason tells the model it was denied and which
 * flag or setting would allow it (or that no rule can, when the command hides what it runs).
 */
export function printModeDenial(decision: Decision, hint?: string, untrusted = false): Decision {
  if (decision.decision !== 'ask') return decision;
  const rules = decision.suggestions ?? [];
  const allow = rules.length
    ? ` To allow it, run tandem again with ${rules.map((r) => `--allow '${r}'`).join(' ')}, or add ${rules.length > 1 ? 'these rules' : 'this rule'} to "permissions.allow" in ${untrusted ? '~/.tandem/settings.json (this workspace is not trusted, so its own settings cannot allow anything; tandem trust trusts it)' : '.tandem/settings.json'}${hint ? `, ${hint}` : ''}.`
    : hint
      ? ` To allow it, ${hint}.`
      : ' No rule can allow it as written (part of it is only known when it runs); do it another way.';
  return {
    ...decision,
    decision: 'deny',
    reason: `${decision.reason}. Nobody can approve this in print mode, so it was denied.${allow}`,
    parts: decision.parts?.map((p) => (p.decision === 'ask' ? { ...p, decision: 'deny' } : p)),
  };
}

