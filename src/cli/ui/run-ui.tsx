// Entry of the terminal UI (loaded only in interactive mode): mounts the app on the terminal, routes the
// runtime's log lines into the conversation, and returns when the person leaves.
import { render } from 'ink';
import type { Runtime } from '../../session/runtime.js';
import { App } from './app.js';
import { UiController } from './controller.js';
import { applyColorPreference } from './theme.js';
import { showResumedConversation } from './resumed.js';

export interface UiOptions {
  /** Redirects the runtime's log lines (stderr would tear the screen) while the UI runs. */
  setLog?: (log: ((line: string) => void) | undefined) => void;
  /** Sent as the first prompt once the screen is up (`tandem "fix the tests"`). */
  initialPrompt?: string;
}

export async function runUi(rt: Runtime, opts: UiOptions = {}): Promise<number> {
  applyColorPreference();
  const controller = new UiController(rt, { columns: () => process.stdout.columns || 80 });
  controller.transcript.add({
    kind: 'banner',
    title: `tandem · ${rt.config.model}`,
    detail: `${rt.workspace.root}\n/help for commands · Ctrl+T tasks · Ctrl+B backgrounds a running command · Ctrl+D exits`,
  });
  if (rt.session.loaded && rt.messages.length) {
    showResumedConversation(controller.transcript, rt.messages, {
      width: (process.stdout.columns || 80) - 2,
      summarize: (name, input) => rt.tools.find((t) => t.name === name)?.summarize?.(input),
    });
  }
  opts.setLog?.((line) => controller.log(line));
  const restoreConsole = routeConsole((line) => controller.log(line));
  const ink = render(<App controller={controller} />, {
    exitOnCtrlC: false,
    patchConsole: false,
    kittyKeyboard: { mode: 'auto', flags: ['disambiguateEscapeCodes'] },
  });
  const unmounted = ink.waitUntilExit().catch(() => {});
  // If tandem dies with the UI up, the shell must not inherit bracketed paste (ink restores the rest).
  const pasteOff = () => { process.stdout.write('\x1b[?2004l'); };
  process.once('exit', pasteOff);
  controller.start();
  if (opts.initialPrompt) controller.submitPrompt(opts.initialPrompt);
  try {
    await controller.exited;
  } finally {
    opts.setLog?.(undefined);
    restoreConsole();
    process.off('exit', pasteOff);
    controller.stop();
    ink.unmount();
    await unmounted;
  }
  const running = rt.tasks.list().filter((t) => t.status === 'running' && !t.persistent).length;
  if (running) process.stderr.write(`tandem: stopping ${running} background ${running === 1 ? 'task' : 'tasks'}\n`);
  // Persistent ones go on: the runtime's shutdown says which, and how to end them.
  return 0;
}

/** Library messages on the console (an SDK deprecation warning, say) become lines of the conversation, each once. */
function routeConsole(log: (line: string) => void): () => void {
  const seen = new Set<string>();
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) {
    console[m] = (...args: unknown[]) => {
      const text = args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' ');
      if (seen.has(text) || seen.size > 100) return;
      seen.add(text);
      log(text);
    };
  }
  return () => methods.forEach((m, i) => { console[m] = saved[i]!; });
}
