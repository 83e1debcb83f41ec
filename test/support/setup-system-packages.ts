// Every terminal-UI check runs tandem in tmux: without tmux each is skipped (or fails in CI) saying so.
import { beforeEach } from 'vitest';
import { requireCommand } from './system-packages.js';

beforeEach((ctx) => {
  if (/[\\/]test[\\/]e2e-terminal[\\/]/.test(ctx.task.file.filepath)) requireCommand('tmux', ctx);
});
