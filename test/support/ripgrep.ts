// The search tools' ripgrep checks need ripgrep (see system-packages.ts); their JavaScript twins always run.
import { requireCommand } from './system-packages.js';

export function requireRipgrep(ctx?: { skip(note?: string): void }): void {
  requireCommand('rg', ctx);
}
