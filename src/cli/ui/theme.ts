// Colours of the terminal UI, in one place. NO_COLOR (any non-empty value) removes every colour — ours,
// ink's borders and the Markdown's code highlighting — but keeps bold and inverse, so the cursor still shows.
import chalk from 'chalk';

let colorsOn = true;

export function applyColorPreference(env: NodeJS.ProcessEnv = process.env): void {
  colorsOn = !env.NO_COLOR;
}

export function colorsEnabled(): boolean {
  return colorsOn && chalk.level > 0;
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
  return colorsEnabled() ? name : undefined;
}

const styled = (withColor: (s: string) => string, without: (s: string) => string = (s) => s) =>
  (s: string) => (colorsEnabled() ? withColor(s) : without(s));

/** chalk-styled strings for text built outside React (diffs, command parts). */
export const paint = {
  added: styled((s) => chalk.green(s)),
  removed: styled((s) => chalk.red(s)),
  hunk: styled((s) => chalk.cyan(s)),
  dim: styled((s) => chalk.dim(s), (s) => chalk.dim(s)),
  mark: styled((s) => chalk.bgYellow.black(s), (s) => chalk.inverse(s)),
};

/** Removes colour from SGR sequences (foreground, background, 256 and RGB) and keeps the rest (bold, inverse, ...). */
export function stripColors(text: string): string {
  return text.replace(/\x1b\[([\d;]*)m/g, (_, params: string) => {
    const kept: string[] = [];
    const p = params.split(';');
    for (let i = 0; i < p.length; i++) {
      const n = Number(p[i] || 0);
      if (n === 38 || n === 48) {
        i += p[i + 1] === '5' ? 2 : p[i + 1] === '2' ? 4 : 0;
        continue;
      }
      if ((n >= 30 && n <= 39) || (n >= 40 && n <= 49) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107)) continue;
      kept.push(String(n));
    }
    return kept.length ? `\x1b[${kept.join(';')}m` : '';
  });
}
