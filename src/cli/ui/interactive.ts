// When tandem without a prompt opens the terminal UI rather than the plain line REPL. Kept free of ink and
// React so the entry point can ask without loading them.

/**
 * True when a person is at a capable terminal: stdin and stdout are TTYs, TERM is not "dumb", and this is not
 * a CI run (ink draws nothing live under CI, and nobody is there to type).
 */
export function canRunTerminalUi(
  stdin: { isTTY?: boolean }, stdout: { isTTY?: boolean }, env: NodeJS.ProcessEnv,
): boolean {
  if (!stdin.isTTY || !stdout.isTTY || env.TERM === 'dumb') return false;
  const ci = env.CI !== '0' && env.CI !== 'false'
    && ('CI' in env || 'CONTINUOUS_INTEGRATION' in env || Object.keys(env).some((k) => k.startsWith('CI_')));
  return !ci;
}
