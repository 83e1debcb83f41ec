// A real terminal for end-to-end tests: tmux runs the built binary in a pane of a fixed size, send-keys
// types, capture-pane reads the screen. Waiting is polling for screen content, with a generous deadline.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TANDEM_BIN } from '../support/cli.js';

export interface TerminalOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  args?: string[];
  cols?: number;
  rows?: number;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class Terminal {
  readonly dir: string;
  readonly socket: string;
  readonly statusFile: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.socket = path.join(dir, 'tmux.sock');
    this.statusFile = path.join(dir, 'status');
  }

  /** Starts tandem in a detached tmux session; the environment is exactly `env` (plus TERM). */
  static start(opts: TerminalOptions): Terminal {
    const t = new Terminal(mkdtempSync(path.join(os.tmpdir(), 'tandem-tty-')));
    const env = { TERM: 'xterm-256color', LANG: 'C.UTF-8', ...opts.env };
    const assignments = Object.entries(env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${quote(v!)}`);
    const script = path.join(t.dir, 'run.sh');
    writeFileSync(script, [
      '#!/bin/sh',
      `cd ${quote(opts.cwd)}`,
      `env -i ${assignments.join(' ')} ${quote(process.execPath)} ${quote(TANDEM_BIN)} ${(opts.args ?? []).map(quote).join(' ')}`,
      // The shell records the status: tmux, started from a test runner, may never reap its pane's process.
      `echo $? > ${quote(t.statusFile)}`,
      '',
    ].join('\n'));
    chmodSync(script, 0o755);
    t.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', String(opts.cols ?? 100), '-y', String(opts.rows ?? 30), script,
      ';', 'set-option', '-t', 'main', 'remain-on-exit', 'on',
      ';', 'set-option', '-t', 'main', 'history-limit', '5000');
    return t;
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8' });
  }

  /** The visible screen plus up to `history` rows of scrollback, plain text, wrapped rows joined. */
  screen(history = 1000): string {
    const r = spawnSync('tmux', ['-S', this.socket, 'capture-pane', '-p', '-J', '-t', 'main', '-S', String(-history)], { encoding: 'utf8' });
    return r.stdout ?? '';
  }

  /** The screen with colours (for pictures). */
  screenAnsi(): string {
    return this.tmux('capture-pane', '-p', '-e', '-t', 'main');
  }

  /** Types text literally. */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  /** Presses keys by tmux name: Enter, C-c, C-b, Escape, Up, M-Enter, ... */
  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  /** Sends raw bytes (escape sequences tmux has no key name for). */
  sendRaw(bytes: string): void {
    this.tmux('send-keys', '-t', 'main', '-H', ...[...Buffer.from(bytes)].map((b) => b.toString(16).padStart(2, '0')));
  }

  /** Polls the screen until `test` passes; throws with the last screen after `timeoutMs`. */
  async waitFor(test: string | RegExp | ((screen: string) => boolean), timeoutMs = 10_000, history = 1000): Promise<string> {
    const ok = typeof test === 'function' ? test : (s: string) => (typeof test === 'string' ? s.includes(test) : test.test(s));
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = this.screen(history);
      if (ok(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${String(test)}; the screen was:\n${last}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The exit status once the program has ended (undefined while it runs). */
  exitStatus(): number | undefined {
    if (!existsSync(this.statusFile)) return undefined;
    const text = readFileSync(this.statusFile, 'utf8').trim();
    return text ? Number(text) : undefined;
  }

  async waitForExit(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = this.exitStatus();
      if (status !== undefined) return status;
      if (Date.now() > deadline) throw new Error(`tandem did not exit within ${timeoutMs}ms; the screen was:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
