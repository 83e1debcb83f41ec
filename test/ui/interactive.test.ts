import { describe, expect, it } from 'vitest';
import { canRunTerminalUi } from '../../src/cli/ui/interactive.js';

describe('canRunTerminalUi', () => {
  const tty = { isTTY: true };
  it('wants two terminals, a capable TERM and no CI', () => {
    expect(canRunTerminalUi(tty, tty, { TERM: 'xterm-256color' })).toBe(true);
    expect(canRunTerminalUi({ isTTY: false }, tty, {})).toBe(false);
    expect(canRunTerminalUi(tty, {}, {})).toBe(false);
    expect(canRunTerminalUi(tty, tty, { TERM: 'dumb' })).toBe(false);
    expect(canRunTerminalUi(tty, tty, { CI: 'true' })).toBe(false);
    expect(canRunTerminalUi(tty, tty, { GITHUB_ACTIONS: 'true', CI_JOB_ID: '1' })).toBe(false);
    expect(canRunTerminalUi(tty, tty, { CI: 'false' })).toBe(true);
  });
});
