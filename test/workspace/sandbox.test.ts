import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, realpath, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSandboxArgv, checkSandbox } from '../../src/workspace/sandbox.js';
import { requireBwrap } from '../support/bwrap.js';
import { until } from '../support/processes.js';

describe('buildSandboxArgv', () => {
  it('returns the complete argv, bwrap first and the shell command last', () => {
    const argv = buildSandboxArgv({ workspace: '/ws', network: false, shell: '/bin/bash', command: 'npm test', extraWritable: ['/home/me/.npm'] });
    expect(argv).toEqual([
      '/bin/sh', '-c', 'trap "" INT TERM HUP QUIT; exec "$0" "$@"',
      'bwrap',
      '--ro-bind', '/', '/',
      '--dev', '/dev',
      '--proc', '/proc',
      '--tmpfs', '/tmp',
      '--bind', '/ws', '/ws',
      '--bind-try', '/home/me/.npm', '/home/me/.npm',
      '--ro-bind-try', '/ws/.tandem', '/ws/.tandem',
      '--unshare-pid', '--die-with-parent',
      '--unshare-net',
      '--chdir', '/ws',
      '--', 'env', '--default-signal=INT,TERM,HUP,QUIT', '/bin/bash', '-c', 'npm test',
    ]);
  });

  it('without graceful, starts bwrap directly and passes positional parameters', () => {
    const argv = buildSandboxArgv({ workspace: '/ws', network: false, shell: 'sh', command: 'exec "$0" -c "$1"', args: ['bash', 'npm test'], graceful: false });
    expect(argv[0]).toBe('bwrap');
    expect(argv.slice(-5)).toEqual(['sh', '-c', 'exec "$0" -c "$1"', 'bash', 'npm test']);
    expect(argv).not.toContain('env');
  });

  it('keeps the network when allowed, and takes cwd, newSession and the bwrap path', () => {
    const argv = buildSandboxArgv({ workspace: '/ws', network: true, shell: 'sh', command: 'x', cwd: '/ws/sub', newSession: true, bwrap: '/usr/bin/bwrap' });
    expect(argv[3]).toBe('/usr/bin/bwrap');
    expect(argv).not.toContain('--unshare-net');
    expect(argv).toContain('--new-session');
    expect(argv.slice(argv.indexOf('--chdir'), argv.indexOf('--chdir') + 2)).toEqual(['--chdir', '/ws/sub']);
  });
});

describe('checkSandbox', () => {
  it('says how to install bubblewrap when it is missing', async () => {
    const result = await checkSandbox({ env: { PATH: '/nonexistent-bin' } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain('bubblewrap (bwrap), which is not installed');
      expect(result.message).toContain('sudo apt-get install bubblewrap');
      expect(result.message).toContain('does not run commands unsandboxed');
    }
  });

  it('says the sandbox is Linux-only elsewhere', async () => {
    const result = await checkSandbox({ platform: 'darwin' });
    expect(result).toEqual({ ok: false, message: expect.stringContaining('Linux-only') });
    if (!result.ok) expect(result.message).toContain('macOS');
  });

  it('starts a sandbox when bwrap works here', async (ctx) => {
    requireBwrap(ctx);
    expect(await checkSandbox()).toEqual({ ok: true, bwrap: expect.stringMatching(/\/bwrap$/), graceful: true });
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(argv: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function pidsRunning(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (cmdline.includes(marker) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

describe('the sandbox (bubblewrap)', () => {
  let ws: string;
  let outside: string;
  beforeEach(requireBwrap);
  beforeAll(async () => {
    ws = await realpath(await mkdtemp(path.join(os.tmpdir(), 'tandem-sandbox-ws-')));
    // Outside /tmp (which is private in the sandbox) and outside the workspace.
    outside = await realpath(await mkdtemp(path.join('/var/tmp', 'tandem-sandbox-outside-')));
  });
  afterAll(async () => {
    await rm(ws, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });
  const sandboxed = (command: string, extra: Partial<Parameters<typeof buildSandboxArgv>[0]> = {}) =>
    buildSandboxArgv({ workspace: ws, network: false, shell: '/bin/bash', command, ...extra });

  it('writes inside the workspace, with the workspace as cwd', async () => {
    const r = await run(sandboxed('pwd; echo hello > inside.txt'));
    expect(r).toMatchObject({ code: 0, stdout: `${ws}\n` });
    expect(await readFile(path.join(ws, 'inside.txt'), 'utf8')).toBe('hello\n');
  });

  it('cannot write outside the workspace', async () => {
    const target = path.join(outside, 'escape.txt');
    const r = await run(sandboxed(`echo x > ${target}`));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Read-only file system');
    expect(existsSync(target)).toBe(false);
  });

  it('can write the extra writable folders', async () => {
    const r = await run(sandboxed(`echo ok > ${outside}/allowed.txt`, { extraWritable: [outside] }));
    expect(r.code).toBe(0);
    expect(await readFile(path.join(outside, 'allowed.txt'), 'utf8')).toBe('ok\n');
  });

  it('has a private /tmp, and keeps the workspace .tandem folder read-only', async () => {
    const marker = `tandem-private-${process.pid}`;
    const r = await run(sandboxed(`echo x > /tmp/${marker} && cat /tmp/${marker} && mkdir -p .tandem 2>/dev/null; true`));
    expect(r.code).toBe(0);
    expect(existsSync(path.join('/tmp', marker))).toBe(false);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(ws, '.tandem'), { recursive: true });
    const w = await run(sandboxed('echo \'{"permissions":{"allow":["Bash"]}}\' > .tandem/settings.local.json'));
    expect(w.code).not.toBe(0);
    expect(existsSync(path.join(ws, '.tandem', 'settings.local.json'))).toBe(false);
  });

  describe('network', () => {
    let server: net.Server;
    let port: number;
    const received: string[] = [];
    beforeAll(async () => {
      server = net.createServer((socket) => socket.on('data', (d) => received.push(d.toString())));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as net.AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('is off by default: a connection to a local server fails', async () => {
      const r = await run(sandboxed(`echo blocked > /dev/tcp/127.0.0.1/${port}`));
      expect(r.code).not.toBe(0);
      expect(received.join('')).not.toContain('blocked');
    });

    it('is on with network: true', async () => {
      const r = await run(sandboxed(`echo allowed > /dev/tcp/127.0.0.1/${port}`, { network: true }));
      expect(r.code).toBe(0);
      await until(() => received.join('').includes('allowed'), 'the server to receive data');
    });
  });

  describe('process lifetime', () => {
    const start = (argv: string[], opts: { detached?: boolean } = {}): ChildProcess =>
      spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: opts.detached });

    it('killing bwrap kills everything inside', async () => {
      const marker = `${3000 + (process.pid % 1000)}.123`;
      const child = start(sandboxed(`sleep ${marker} & sleep ${marker}; wait`));
      await until(async () => (await pidsRunning(`sleep\0${marker}`)).length === 2, 'the sleeps to start');
      child.kill('SIGKILL');
      await until(async () => (await pidsRunning(`sleep\0${marker}`)).length === 0, 'the sleeps to die');
    });

    it('the sandbox dies with the process that started bwrap (tandem)', async () => {
      const marker = `${4000 + (process.pid % 1000)}.321`;
      const argv = sandboxed(`sleep ${marker}`);
      const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      // A stand-in for tandem: a shell that starts bwrap and is then killed.
      const parent = start(['/bin/bash', '-c', `${quoted} & wait`]);
      await until(async () => (await pidsRunning(`sleep\0${marker}`)).length === 1, 'the sleep to start');
      parent.kill('SIGKILL');
      await until(async () => (await pidsRunning(`sleep\0${marker}`)).length === 0, 'the sleep to die');
    });

    const signalled = async (signal: NodeJS.Signals, command: string) => {
      const child = start(sandboxed(command), { detached: true });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      await until(() => out.includes('ready'), 'the command to be ready');
      process.kill(-child.pid!, signal);
      return { code: await closed, out };
    };
    const trapping = 'trap "echo got-int; exit 7" INT; trap "echo got-term; exit 8" TERM; echo ready; while :; do sleep 0.05; done';

    it('Ctrl-C (SIGINT to the process group) reaches the command, which can clean up; its status comes back', async () => {
      expect(await signalled('SIGINT', trapping)).toEqual({ code: 7, out: 'ready\ngot-int\n' });
    });

    it('SIGTERM to the group lets the command stop gracefully', async () => {
      expect(await signalled('SIGTERM', trapping)).toEqual({ code: 8, out: 'ready\ngot-term\n' });
    });

    it('a command without traps dies of SIGINT, reported as 128+2', async () => {
      expect((await signalled('SIGINT', 'echo ready; sleep 100')).code).toBe(130);
    });
  });
});
