// The question the interactive UI asks the first time it starts in a workspace whose files would add
// something (allow rules, hooks, MCP servers, commands): shown before the UI mounts, one key answers it, and the
// answer is remembered (src/workspace/trust.ts). Print mode never asks (its runtime prints a notice instead).
import { grantedRules, projectInventory, rememberTrust, trustOf } from '../workspace/trust.js';

interface KeyInput extends NodeJS.ReadableStream { isTTY?: boolean; setRawMode?(on: boolean): unknown }

/**
 * Whether to trust `root` for this run: the remembered answer if there is one; otherwise, when the workspace has
 * something to trust, the person's answer (y, remembered; n, remembered as no; Esc, no for this run only).
 * Undefined: nothing to decide (the runtime falls back to "not trusted", which changes nothing here).
 */
export async function decideTrustInteractively(
  home: string, root: string, io: { stdin: KeyInput; write: (text: string) => void },
): Promise<boolean | undefined> {
  const known = await trustOf(home, root);
  if (known) return known.trusted;
  const { items } = await projectInventory(root, await grantedRules(home, root));
  if (!items.length) return undefined;
  io.write([
    '',
    `  Do you trust the files in ${root}?`,
    '',
    '  This workspace is new to tandem. Trusted, its own files would add:',
    ...items.map((i) => `    • ${i}`),
    '',
    '  Hooks and MCP servers run commands on this machine. Trust only repositories you know.',
    '  Untrusted, its settings only narrow permissions (deny and ask rules) and nothing of it runs.',
    '',
    '  y  trust it (remembered; tandem trust --revoke undoes it)',
    '  n  do not trust it (remembered; tandem trust changes it)',
    '  Esc  not now (asked again next time)',
    '',
  ].join('\n'));
  const key = await readKey(io.stdin, ['y', 'Y', 'n', 'N', '\x1b', '\x03']);
  if (key === '\x03') {
    io.write('\n');
    process.exit(130);
  }
  if (key === '\x1b') {
    io.write('  Not trusted for this session.\n');
    return false;
  }
  const trusted = key.toLowerCase() === 'y';
  await rememberTrust(home, root, trusted);
  io.write(trusted ? '  Trusted.\n' : '  Not trusted (remembered).\n');
  return trusted;
}

/** Resolves with the first of `keys` typed; other keys are ignored. Leaves stdin paused and out of raw mode. */
function readKey(stdin: KeyInput, keys: string[]): Promise<string> {
  return new Promise((resolve) => {
    stdin.setRawMode?.(true);
    stdin.resume();
    const onData = (chunk: Buffer | string) => {
      const text = chunk.toString();
      // An escape sequence (an arrow key) is not Esc.
      const key = text.length > 1 && text.startsWith('\x1b') ? undefined : keys.find((k) => text.includes(k));
      if (key === undefined) return;
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      resolve(key);
    };
    stdin.on('data', onData);
  });
}
