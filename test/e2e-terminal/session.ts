// One end-to-end session: a scripted model server, a fresh workspace and TANDEM_HOME, and tandem's
// interactive UI running in a tmux pane against them.
import { startModelServer, type ModelServer, type Scripted } from '../support/model-server.js';
import { tempDir, testEnv } from '../support/cli.js';
import { Terminal } from './terminal.js';

export interface UiSession {
  term: Terminal;
  server: ModelServer;
  cwd: string;
  home: string;
  /** Starts tandem again on the same workspace, home and server (history across runs). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface UiSessionOptions {
  replies?: Scripted[];
  args?: string[];
  env?: Record<string, string | undefined>;
  cols?: number;
  rows?: number;
  /** Reuse a workspace. */
  cwd?: string;
}

/** A model name the SDK does not warn about, so the screen holds only what tandem shows. */
export const TEST_MODEL = 'claude-sonnet-4-6';

export async function openUi(opts: UiSessionOptions = {}): Promise<UiSession> {
  const server = await startModelServer();
  if (opts.replies) server.enqueue(...opts.replies);
  const cwd = opts.cwd ?? tempDir();
  const env = testEnv(server.url, { ANTHROPIC_MODEL: TEST_MODEL, ...opts.env });
  const home = env.TANDEM_HOME!;
  const launch = async () => {
    const term = Terminal.start({ cwd, env, args: opts.args, cols: opts.cols, rows: opts.rows });
    await term.waitFor(/tandem · /);
    await term.waitFor((s) => /^› /m.test(s)); // the input is ready
    return term;
  };
  const session: UiSession = {
    term: await launch(),
    server,
    cwd,
    home,
    async restart() {
      this.term.close();
      this.term = await launch();
    },
    async close() {
      this.term.close();
      await server.close();
    },
  };
  return session;
}

/** Text of every user message block the model received in request `i`. */
export function userTextOf(server: ModelServer, i: number): string {
  const body = server.requests[i]!.body as { messages: { role: string; content: unknown }[] };
  return JSON.stringify(body.messages.filter((m) => m.role === 'user').map((m) => m.content));
}
