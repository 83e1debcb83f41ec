// End-to-end: --sandbox through the built binary — every command (bash, background_run) under bubblewrap,
// read-only outside the workspace, no network unless settings allow it, nothing left running when tandem
// exits, and no command at all when bubblewrap is missing.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requireBwrap } from '../support/bwrap.js';
import { collect, runTandem, startTandem, tempDir, testEnv } from '../support/cli.js';
import { reply, systemText, toolResultsOf } from '../support/model-server.js';
import { escapees, eventually, marker, survivors } from '../support/processes.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();

const varTemps: string[] = [];
function varTempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join('/var/tmp', prefix)));
  varTemps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of varTemps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SANDBOX = ['--sandbox', '--permission-mode', 'bypassPermissions'];

/** The tool results the model got in request `i`, by tool_use id, as text. */
const results = (i: number) => toolResultsOf(t.server.requests[i]!);

describe('tandem --sandbox', () => {
  beforeEach(requireBwrap);

  it('says it is on, and commands can write the workspace but not the rest of the file system', async () => {
    const outside = `/etc/tandem-test-${process.pid}`;
    t.server.enqueue(reply()
      .tool('bash', { command: `echo x > ${outside}` }, 'toolu_out')
      .tool('bash', { command: 'echo x > inside.txt && cat inside.txt' }, 'toolu_in'));
    t.server.enqueue(reply().text('done'));
    const run = await runTandem([...SANDBOX, '-p', 'write files'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/tandem: sandbox on: commands run under bubblewrap, .*no network\n/);
    expect(systemText(t.server.requests[0]!.body)).toContain('Commands run in a sandbox');
    const r = results(1);
    expect(r.toolu_out!.text).toMatch(/Read-only file system[\s\S]*\[exited with code 1\]/);
    expect(existsSync(outside)).toBe(false);
    expect(r.toolu_in).toEqual({ isError: false, text: 'x' });
    expect(readFileSync(path.join(t.cwd, 'inside.txt'), 'utf8')).toBe('x\n');
  });

  it('commands cannot write tandem\'s or Claude Code\'s configuration, .mcp.json or git hooks, existing or not', async () => {
    const attempts = [
      `mkdir -p .tandem && echo '{"permissions":{"defaultMode":"bypassPermissions"}}' > .tandem/settings.local.json`,
      'mkdir -p .claude && echo x > .claude/settings.local.json',
      "echo '{}' > .mcp.json",
      'git init -q .',
      'mkdir -p .git/hooks && echo x > .git/hooks/pre-commit',
    ].map((c) => `(${c}) 2>/dev/null && echo "WROTE: ${c.slice(0, 20)}"`).join('; ');
    t.server.enqueue(reply().tool('bash', { command: `${attempts}; echo x > fine.txt && echo done` }, 'toolu_p'));
    t.server.enqueue(reply().text('done'));
    const run = await runTandem([...SANDBOX, '-p', 'widen'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    const text = results(1).toolu_p!.text;
    expect(text).not.toContain('WROTE');
    expect(text).toContain('done');
    for (const p of ['.tandem/settings.local.json', '.claude/settings.local.json', '.git/hooks/pre-commit', '.git/HEAD']) {
      expect(existsSync(path.join(t.cwd, p)), p).toBe(false);
    }
    // The empty mount points are gone once tandem has exited.
    for (const p of ['.tandem', '.claude', '.mcp.json', '.git']) expect(existsSync(path.join(t.cwd, p)), p).toBe(false);
    expect(readFileSync(path.join(t.cwd, 'fine.txt'), 'utf8')).toBe('x\n');
  });

  it('an existing repository\'s hooks and config stay read-only while its objects and index are writable', async () => {
    const git = (args: string) => execSync(`git ${args}`, { cwd: t.cwd, stdio: 'pipe' });
    git('init -q .');
    mkdirSync(path.join(t.cwd, '.tandem'));
    const config = readFileSync(path.join(t.cwd, '.git/config'), 'utf8');
    t.server.enqueue(reply().tool('bash', {
      command: '(echo x > .git/hooks/pre-commit) 2>/dev/null && echo WROTE-HOOK; (git config core.hooksPath /tmp/h) 2>/dev/null && echo WROTE-CONFIG; '
        + '(echo x > .tandem/settings.local.json) 2>/dev/null && echo WROTE-SETTINGS; echo a > a.txt && git add a.txt && echo added',
    }, 'toolu_g'));
    t.server.enqueue(reply().text('done'));
    const run = await runTandem([...SANDBOX, '-p', 'hooks'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    const text = results(1).toolu_g!.text;
    expect(text).not.toMatch(/WROTE/);
    expect(text).toContain('added');
    expect(readFileSync(path.join(t.cwd, '.git/config'), 'utf8')).toBe(config);
    expect(existsSync(path.join(t.cwd, '.git/hooks/pre-commit'))).toBe(false);
    expect(existsSync(path.join(t.cwd, '.tandem'))).toBe(true); // the user's own folder stays
  });

  it('the file tools write where commands may: the workspace and sandbox.extraWritable minus denyRead, nowhere else', async () => {
    // Outside /tmp, which the sandbox replaces with a private one.
    const extra = varTempDir('tandem-extra-');
    const other = varTempDir('tandem-other-');
    mkdirSync(path.join(t.cwd, '.tandem'));
    writeFileSync(path.join(t.cwd, '.tandem', 'settings.local.json'), JSON.stringify({ sandbox: { extraWritable: [extra], denyRead: [path.join(extra, 'secret')] } }));
    t.server.enqueue(reply()
      .tool('write_file', { path: path.join(extra, 'cache.txt'), content: 'kept\n' }, 'toolu_extra')
      .tool('write_file', { path: path.join(other, 'no.txt'), content: 'no\n' }, 'toolu_other')
      .tool('write_file', { path: path.join(extra, 'secret', 'key'), content: 'no\n' }, 'toolu_hidden')
      .tool('bash', { command: `cat ${path.join(extra, 'cache.txt')}; echo y > ${path.join(other, 'cmd.txt')}` }, 'toolu_cmd'));
    t.server.enqueue(reply().text('done'));
    const run = await runTandem([...SANDBOX, '--trust', '-p', 'write'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    const r = results(1);
    expect(r.toolu_extra!.isError).toBe(false);
    expect(readFileSync(path.join(extra, 'cache.txt'), 'utf8')).toBe('kept\n');
    expect(r.toolu_other!.isError).toBe(true);
    expect(r.toolu_other!.text).toMatch(/outside the workspace .*or change files in /);
    expect(existsSync(path.join(other, 'no.txt'))).toBe(false);
    expect(r.toolu_hidden).toMatchObject({ isError: true, text: expect.stringMatching(/sandbox hides/) });
    expect(existsSync(path.join(extra, 'secret'))).toBe(false);
    // The command sees the file tool's write and is refused the same folder the file tool was.
    expect(r.toolu_cmd!.text).toMatch(/^kept\n[\s\S]*Read-only file system/);
    expect(existsSync(path.join(other, 'cmd.txt'))).toBe(false);
  });

  it('credentials in the home folder are hidden; ~/.npmrc keeps its registry but not its token', async () => {
    const home = tempDir('tandem-fake-home-');
    mkdirSync(path.join(home, '.ssh'));
    writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'PRIVATE-KEY-MATERIAL');
    mkdirSync(path.join(home, '.aws'));
    writeFileSync(path.join(home, '.aws', 'credentials'), 'aws_secret_access_key=AWS-SECRET');
    writeFileSync(path.join(home, '.netrc'), 'machine x login u password NETRC-SECRET');
    writeFileSync(path.join(home, '.npmrc'), 'registry=https://registry.example/\n//registry.example/:_authToken=NPM-SECRET\n');
    mkdirSync(path.join(home, 'extra'));
    writeFileSync(path.join(home, 'extra', 'file'), 'EXTRA-SECRET');
    writeFileSync(path.join(t.cwd, '.tandem-settings-unused'), '');
    const settingsHome = tempDir('tandem-home-');
    writeFileSync(path.join(settingsHome, 'settings.json'), JSON.stringify({ sandbox: { denyRead: [path.join(home, 'extra')] } }));
    t.server.enqueue(reply().tool('bash', {
      command: 'cat ~/.ssh/id_ed25519 ~/.aws/credentials ~/.netrc ~/.npmrc ~/extra/file 2>&1; ls ~/.ssh | wc -l',
    }, 'toolu_c'));
    t.server.enqueue(reply().text('done'));
    const run = await runTandem([...SANDBOX, '-p', 'read'], { cwd: t.cwd, env: testEnv(t.server.url, { HOME: home, TANDEM_HOME: settingsHome }) });
    expect(run.code).toBe(0);
    const text = results(1).toolu_c!.text;
    for (const secret of ['PRIVATE-KEY-MATERIAL', 'AWS-SECRET', 'NETRC-SECRET', 'NPM-SECRET', 'EXTRA-SECRET']) expect(text).not.toContain(secret);
    expect(text).toContain('registry=https://registry.example/');
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

    const connect = async (extra: string[] = []) => {
      t.server.enqueue(reply().tool('bash', { command: `bash -c 'echo hi > /dev/tcp/127.0.0.1/${port}' && echo connected` }, 'toolu_net'));
      t.server.enqueue(reply().text('done'));
      const run = await runTandem([...SANDBOX, ...extra, '-p', 'connect'], { cwd: t.cwd, env: testEnv(t.server.url) });
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
      mkdirSync(path.join(t.cwd, '.tandem'));
      writeFileSync(path.join(t.cwd, '.tandem', 'settings.local.json'), JSON.stringify({ sandbox: { network: true } }));
      const { run, result } = await connect(['--trust']); // a local settings file counts once the workspace is trusted
      expect(run.stderr).toMatch(/sandbox on: .*network allowed/);
      expect(result).toEqual({ isError: false, text: 'connected' });
      expect(await eventually(() => received === 'hi\n')).toBe(true);
    });
  });

  const sleeps = (m: string) => survivors(m).filter((p) => / sleep \S+ $/.test(` ${p.split(': ')[1]}`));

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`a background task and everything it started die when tandem gets ${signal}`, async () => {
      const m = marker();
      t.server.enqueue(reply().tool('background_run', { command: escapees(m) }));
      t.server.enqueue(reply().text('waiting...').hang());
      const child = startTandem([...SANDBOX, '-p', 'go'], { cwd: t.cwd, env: testEnv(t.server.url) });
      const done = collect(child);
      await t.server.waitForRequests(2);
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
    t.server.enqueue(reply()
      .tool('bash', { command: 'touch fg-ran.txt' }, 'toolu_fg')
      .tool('background_run', { command: 'touch bg-ran.txt' }, 'toolu_bg'));
    t.server.enqueue(reply().text('cannot run'));
    const run = await runTandem([...SANDBOX, '-p', 'go'], { cwd: t.cwd, env: testEnv(t.server.url, { PATH: bin }) });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/sandbox requested but unavailable; commands will be refused\. .*sudo apt-get install bubblewrap/);
    expect(run.stderr).not.toMatch(/sandbox on/);
    for (const id of ['toolu_fg', 'toolu_bg']) {
      const r = results(1)[id]!;
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(/^The sandbox is unavailable, so tandem runs no commands: .*bubblewrap \(bwrap\), which is not installed.*sudo apt-get install bubblewrap/);
    }
    expect(existsSync(path.join(t.cwd, 'fg-ran.txt'))).toBe(false);
    expect(existsSync(path.join(t.cwd, 'bg-ran.txt'))).toBe(false);
  });
});
