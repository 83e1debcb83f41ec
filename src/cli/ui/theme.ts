// Colours of the terminal UI, in one place. NO_COLOR (any non-empty value) turns every colour off, including
// ink's own and the code highlighting of Markdown, since they all share this chalk instance.
import chalk from 'chalk';

export function applyColorPreference(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NO_COLOR) chalk.level = 0;
}

/** ink <Text color=...> values; undefined (no colour) when colour is off. */
export const color = {
  get accent() { return on('cyan'); },
  get ok() { return on('green'); },
  get bad() { return on('red'); },
  get warn() { return on('yellow'); },
  get muted() { return on('gray'); },
  get user() { return on('blue'); },
};

function on(name: string): string | undefined {
  return chalk.level > 0 ? name : undefined;
}

/** chalk-styled strings for text built outside React (diffs, notices). */
export const paint = {
  added: (s: string) => chalk.green(s),
  removed: (s: string) => chalk.red(s),
  hunk: (s: string) => chalk.cyan(s),
  dim: (s: string) => chalk.dim(s),
  bold: (s: string) => chalk.bold(s),
  mark: (s: string) => chalk.bgYellow.black(s),
};
