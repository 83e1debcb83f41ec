// End-to-end: --sandbox through the built binary — every command (bash, background_run) under bubblewrap,
// read-only outside the workspace, no network unless settings allow it, nothing left running when tandem
// exits, and no command at all when bubblewrap is missing.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/types.js';
import { requireBwrap } from '../support/bwrap.js';
import { collect, runTandem, startTandem, tempDir, testEnv } from '../support/cli.js';
import { reply, startModelServer, systemText, type ModelServer } from '../support/model-server.js';
import { eventually, marker, survivors } from '../support/processes.js';

let server: ModelServer;
let cwd: string;
beforeEach(async () => {
  server = await startModelServer();
  cwd = tempDir();
});
afterEach(async () => { await server.close(); });

const SANDBOX = ['--sandbox', '--permission-mode', 'bypassPermissions'];

interface ToolResultBlock { type: 'tool_result'; tool_use_id: string; content: unknown; is_error?: boolean }

function results(i: number): Record<string, { text: string; isError: boolean }> {
  const last = (server.requests[i]!.body.messages as Message[]).at(-1)!;
  const out: Record<string, { text: string; isError: boolean }> = {};
  for (const block of last.content as unknown as ToolResultBlock[]) {
    if (block.type !== 'tool_result') continue;
    const text = typeof block.content === 'string' ? block.content : JSON.stringify(block.content);
    out[block.tool_use_id] = { text, isError: block.is_error === true };
  }
  return out;
}

describe('tandem --sandbox', () => {
  beforeEach(requireBwrap);

  it('says it is on, and commands can write the workspace but not the rest of the file system', async () => {
    const outside = `/etc/tandem-test-${process.pid}`;
    server.enqueue(reply()
      .tool('bash', { command: `echo x > ${outside}` }, 'toolu_out')
      .tool('bash', { command: 'echo x > inside.txt && cat inside.txt' }, 'toolu_in'));
    server.enqueue(reply().text('done'));
    const run = await runTandem([...SANDBOX, '-p', 'write files'], { cwd, env: testEnv(server.url) });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/tandem: sandbox on: commands run under bubblewrap, .*no network\n/);
    expect(systemText(server.requests[0]!.body)).toContain('Commands run in a sandbox');
    const r = results(1);
    expect(r.toolu_out!.text).toMatch(/Read-only file system[\s\S]*\[exited with code 1\]/);
    expect(existsSync(outside)).toBe(false);
    expect(r.toolu_in).toEqual({ isError: false, text: 'x' });
    expect(readFileSync(path.join(cwd, 'inside.txt'), 'utf8')).toBe('x\n');
  });

  describe('network', () => {
    let tcp: net.Server;
    let port: number;
    let received: string;
    beforeEach(async () => {
      received = '';
      tcp = net.createServer((socket) => socket.on('data', (d) => { received += d.toString(); }));
      await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
      port = (tcp.address() as net.AddressInfo).port;
    });
    afterEach(() => new Promise<void>((resolve) => tcp.close(() => resolve())));

    const connect = async () => {
      server.enqueue(reply().tool('bash', { command: `bash -c 'echo hi > /dev/tcp/127.0.0.1/${port}' && echo connected` }, 'toolu_net'));
      server.enqueue(reply().text('done'));
      const run = await runTandem([...SANDBOX, '-p', 'connect'], { cwd, env: testEnv(server.url) });
      expect(run.code).toBe(0);
      return { run, result: results(1).toolu_net! };
    };

    it('is off: a connection to a local server fails', async () => {
      const { result } = await connect();
      expect(result.text).not.toContain('connected');
      expect(result.text).toMatch(/\[exited with code 1\]/);
      expect(received).toBe('');
    });

    it('is on with sandbox.network in settings.local.json', async () => {
      mkdirSync(path.join(cwd, '.tandem'));
      writeFileSync(path.join(cwd, '.tandem', 'settings.local.json'), JSON.stringify({ sandbox: { network: true } }));
      const { run, result } = await connect();
      expect(run.stderr).toMatch(/sandbox on: .*network allowed/);
      expect(result).toEqual({ isError: false, text: 'connected' });
      expect(await eventually(() => received === 'hi\n')).toBe(true);
    });
  });

  /** A command that leaves processes behind in every way a shell can: &, nohup, setsid, double fork, disown. */
  const escapees = (m: string) =>
    `sleep ${m} & nohup sleep ${m} >/dev/null 2>&1 & setsid sleep ${m} & ( ( sleep ${m} & ) & ) ; ` +
    `sleep ${m} & disown; bash -c "trap '' TERM; sleep ${m}" & echo started-all; wait`;
  const sleeps = (m: string) => survivors(m).filter((p) => / sleep \S+ $/.test(` ${p.split(': ')[1]}`));

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`a background task and everything it started die when tandem gets ${signal}`, async () => {
      const m = marker();
      server.enqueue(reply().tool('background_run', { command: escapees(m) }));
      server.enqueue(reply().text('waiting...').hang());
      const child = startTandem([...SANDBOX, '-p', 'go'], { cwd, env: testEnv(server.url) });
      const done = collect(child);
      await server.waitForRequests(2);
      expect(await eventually(() => sleeps(m).length === 6)).toBe(true);
      child.kill(signal);
      const run = await done;
      expect(run.code === 0 && run.signal === null).toBe(false);
      expect(await eventually(() => survivors(m).length === 0)).toEqual(true);
    });
  }

  it('without bubblewrap, refuses every command with the install hint and runs nothing', async () => {
    // A PATH with the shells but no bwrap.
    const bin = tempDir('tandem-nobwrap-bin-');
    for (const name of ['sh', 'bash', 'env', 'touch', 'echo']) symlinkSync(`/bin/${name}`, path.join(bin, name));
    server.enqueue(reply()
      .tool('bash', { command: 'touch fg-ran.txt' }, 'toolu_fg')
      .tool('background_run', { command: 'touch bg-ran.txt' }, 'toolu_bg'));
    server.enqueue(reply().text('cannot run'));
    const run = await runTandem([...SANDBOX, '-p', 'go'], { cwd, env: testEnv(server.url, { PATH: bin }) });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/sandbox requested but unavailable; commands will be refused\. .*sudo apt-get install bubblewrap/);
    expect(run.stderr).not.toMatch(/sandbox on/);
    for (const id of ['toolu_fg', 'toolu_bg']) {
      const r = results(1)[id]!;
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(/^The sandbox is unavailable, so tandem runs no commands: .*bubblewrap \(bwrap\), which is not installed.*sudo apt-get install bubblewrap/);
    }
    expect(existsSync(path.join(cwd, 'fg-ran.txt'))).toBe(false);
    expect(existsSync(path.join(cwd, 'bg-ran.txt'))).toBe(false);
  });
});
