import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspace, displayPath, PathError, realRoots, resolveInWorkspace } from '../../src/workspace/paths.js';
import { makeFixture, type Fixture } from '../tools/fs-fixture.js';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
  await mkdir(f.at('src'));
  await writeFile(f.at('src', 'a.ts'), 'a');
  await writeFile(path.join(f.outside, 'secret.txt'), 'secret');
  await writeFile(path.join(f.logs, 'task.log'), 'log');
});
afterEach(() => f.cleanup());

async function rejects(p: string, access: 'read' | 'write', pattern: RegExp): Promise<PathError> {
  const err = await resolveInWorkspace(f.ws, p, access).then(
    (ok) => { throw new Error(`expected ${p} to be rejected, got ${ok}`); },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PathError);
  expect((err as Error).message).toMatch(pattern);
  return err as PathError;
}

describe('resolveInWorkspace', () => {
  it('resolves relative and absolute paths inside the root', async () => {
    expect(await resolveInWorkspace(f.ws, 'src/a.ts', 'read')).toBe(f.at('src', 'a.ts'));
    expect(await resolveInWorkspace(f.ws, './src/../src/a.ts', 'write')).toBe(f.at('src', 'a.ts'));
    expect(await resolveInWorkspace(f.ws, f.at('src', 'a.ts'), 'write')).toBe(f.at('src', 'a.ts'));
    expect(await resolveInWorkspace(f.ws, 'new/dir/file.ts', 'write')).toBe(f.at('new', 'dir', 'file.ts'));
    expect(await resolveInWorkspace(f.ws, '.', 'read')).toBe(f.root);
  });

  it('rejects .. escapes with the documented message', async () => {
    const err = await rejects('../x', 'read', /outside the workspace/);
    expect(err.message).toBe(`Path "../x" is outside the workspace ${f.root}; tools may only touch files inside it (or read files in ${f.logs}).`);
    await rejects('a/../../x', 'write', /^Path "a\/\.\.\/\.\.\/x" is outside the workspace/);
    await rejects('src/../../outside/secret.txt', 'read', /outside the workspace/);
  });

  it('rejects absolute paths outside', async () => {
    await rejects(path.join(f.outside, 'secret.txt'), 'read', /outside the workspace/);
    await rejects('/etc/passwd', 'read', /outside the workspace/);
    await rejects(f.base, 'write', /outside the workspace/);
    // A sibling whose name starts with the root's name is not inside it.
    await rejects(`${f.root}-other/x`, 'write', /outside the workspace/);
  });

  it('rejects symlinks to outside files and folders', async () => {
    await symlink(path.join(f.outside, 'secret.txt'), f.at('link-file'));
    await symlink(f.outside, f.at('link-dir'));
    await rejects('link-file', 'read', /resolves through a symlink to .*secret\.txt, outside the workspace/);
    await rejects('link-dir/secret.txt', 'read', /symlink/);
    await rejects('link-dir/new.txt', 'write', /symlink/);
    // ".." after a symlink applies to the link's target, as the kernel does it.
    await symlink(path.join(f.outside), f.at('src', 'out'));
    await rejects('src/out/../outside/secret.txt', 'read', /outside/);
  });

  it('follows symlinks that stay inside', async () => {
    await symlink('src', f.at('alias'));
    await symlink(f.at('src', 'a.ts'), f.at('abs-link.ts'));
    expect(await resolveInWorkspace(f.ws, 'alias/a.ts', 'write')).toBe(f.at('src', 'a.ts'));
    expect(await resolveInWorkspace(f.ws, 'abs-link.ts', 'read')).toBe(f.at('src', 'a.ts'));
  });

  it('follows dangling symlinks: out is rejected for writing, in resolves to the target', async () => {
    await symlink(path.join(f.outside, 'planted.sh'), f.at('dangling-out'));
    await symlink('src/not-yet.ts', f.at('dangling-in'));
    await rejects('dangling-out', 'write', /symlink.*planted\.sh, outside/);
    expect(await resolveInWorkspace(f.ws, 'dangling-in', 'write')).toBe(f.at('src', 'not-yet.ts'));
  });

  it('reports symlink loops clearly', async () => {
    await symlink('loop-b', f.at('loop-a'));
    await symlink('loop-a', f.at('loop-b'));
    await symlink('self', f.at('self'));
    await rejects('loop-a', 'read', /more than 40 symlinks \(a symlink loop\?\)/);
    await rejects('self/x', 'write', /symlink loop/);
  });

  it('sees through /proc/self tricks', async () => {
    await rejects('/proc/self/root/etc/passwd', 'read', /outside the workspace/);
    await rejects(`/proc/self/root${f.outside}/secret.txt`, 'read', /outside the workspace/);
    await rejects('/proc/self/cwd/../x', 'read', /outside the workspace/);
    await rejects('/proc/self/cwd/../../../../../../../../etc/passwd', 'write', /outside the workspace/);
  });

  it('allows reading but not writing in read roots', async () => {
    const log = path.join(f.logs, 'task.log');
    expect(await resolveInWorkspace(f.ws, log, 'read')).toBe(log);
    expect(await resolveInWorkspace(f.ws, '../logs/task.log', 'read')).toBe(log);
    await rejects(log, 'write', /is in .*logs, which is read-only; tools may only change files inside the workspace/);
  });

  it('does not expand ~ and says so', async () => {
    await rejects('~/.ssh/id_rsa', 'read', /starts with "~", which is not expanded/);
    // A file literally named "~x" is an ordinary relative name.
    expect(await resolveInWorkspace(f.ws, '~x', 'write')).toBe(f.at('~x'));
  });

  it('rejects empty paths and NUL bytes', async () => {
    await rejects('', 'read', /empty/);
    await rejects('a\0b', 'read', /NUL/);
  });
});

describe('createWorkspace', () => {
  it('realpaths the root and read roots, accepting read roots that do not exist yet', async () => {
    await symlink(f.root, path.join(f.base, 'root-link'));
    const ws = await createWorkspace(path.join(f.base, 'root-link'), [path.join(f.base, 'later')]);
    expect(ws.root).toBe(f.root);
    expect(ws.readRoots).toEqual([path.join(f.base, 'later')]);
  });

  it('write roots (sandbox.extraWritable) take writes; read roots stay read-only; the rest stays outside', async () => {
    const extra = path.join(f.base, 'extra');
    await mkdir(extra);
    const ws = { ...await createWorkspace(f.root, [f.logs]), writeRoots: await realRoots(f.root, [extra, path.join(f.root, 'inside-already')]) };
    expect(ws.writeRoots).toEqual([extra]);
    expect(await resolveInWorkspace(ws, path.join(extra, 'new', 'x.txt'), 'write')).toBe(path.join(extra, 'new', 'x.txt'));
    expect(await resolveInWorkspace(ws, path.join(extra, 'x.txt'), 'read')).toBe(path.join(extra, 'x.txt'));
    await expect(resolveInWorkspace(ws, path.join(f.logs, 'task.log'), 'write')).rejects.toThrow(/read-only/);
    await expect(resolveInWorkspace(ws, path.join(f.outside, 'secret.txt'), 'write')).rejects.toThrow(/or change files in .*extra/);
    expect((await createWorkspace(f.root)).writeRoots).toBeUndefined();
    // What the sandbox hides stays out of reach inside a write root, for reading too.
    const hiding = { ...ws, hidden: [path.join(extra, '.ssh')] };
    await expect(resolveInWorkspace(hiding, path.join(extra, '.ssh', 'id_rsa'), 'read')).rejects.toThrow(/sandbox hides/);
    expect(await resolveInWorkspace(hiding, path.join(extra, 'x.txt'), 'write')).toBe(path.join(extra, 'x.txt'));
  });

  it('displayPath names inside paths relative to the root', () => {
    expect(displayPath(f.ws, f.at('src', 'a.ts'))).toBe('src/a.ts');
    expect(displayPath(f.ws, f.root)).toBe('.');
    expect(displayPath(f.ws, '/etc/x')).toBe('/etc/x');
  });
});
