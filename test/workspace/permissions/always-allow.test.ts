import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAllowRule, localSettingsFile } from '../../../src/workspace/permissions/always-allow.js';
import { PermissionPolicy } from '../../../src/workspace/permissions/decide.js';
import { SettingsError, loadPermissionSettings } from '../../../src/workspace/permissions/settings.js';
import { tempDir } from './policy-fixture.js';

let root: string;
let home: string;
beforeEach(async () => {
  root = await tempDir('tandem-always-ws-');
  home = await tempDir('tandem-always-home-');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

describe('addAllowRule', () => {
  it('creates .tandem/settings.local.json, and the rule then allows the command', async () => {
    const before = new PermissionPolicy(await loadPermissionSettings({ home, workspaceRoot: root }), { workspaceRoot: root, home });
    const check = { kind: 'command', command: 'git push origin main', cwd: root } as const;
    const asked = await before.check(check);
    expect(asked.decision).toBe('ask');
    const result = await addAllowRule(root, asked.suggestion!);
    expect(result).toEqual({ file: localSettingsFile(root), added: true });
    expect(await readFile(localSettingsFile(root), 'utf8')).toBe('{\n  "permissions": {\n    "allow": [\n      "Bash(git push:*)"\n    ]\n  }\n}\n');
    const after = new PermissionPolicy(await loadPermissionSettings({ home, workspaceRoot: root }), { workspaceRoot: root, home });
    expect((await after.check(check)).decision).toBe('allow');
  });

  it('keeps the rest of the file and does not add a rule twice', async () => {
    await mkdir(path.join(root, '.tandem'));
    await writeFile(localSettingsFile(root), '{"model": "m", "permissions": {"deny": ["Bash(rm:*)"], "allow": ["Bash(ls)"]}, "sandbox": {"enabled": true}}');
    await addAllowRule(root, 'Edit(src/**)');
    expect(await addAllowRule(root, 'Edit(src/**)')).toMatchObject({ added: false });
    expect(JSON.parse(await readFile(localSettingsFile(root), 'utf8'))).toEqual({
      model: 'm',
      permissions: { deny: ['Bash(rm:*)'], allow: ['Bash(ls)', 'Edit(src/**)'] },
      sandbox: { enabled: true },
    });
  });

  it('refuses an invalid rule, and a file it cannot update safely, leaving the file as it was', async () => {
    await expect(addAllowRule(root, 'Bash(npm test')).rejects.toThrow(SettingsError);
    await mkdir(path.join(root, '.tandem'));
    const broken = '{"permissions": {"allow": [}';
    await writeFile(localSettingsFile(root), broken);
    await expect(addAllowRule(root, 'Bash(ls)')).rejects.toThrow(`${localSettingsFile(root)}:1:28: invalid JSON`);
    expect(await readFile(localSettingsFile(root), 'utf8')).toBe(broken);
    await writeFile(localSettingsFile(root), '{"permissions": {"allow": "Bash(ls)"}}');
    await expect(addAllowRule(root, 'Bash(ls)')).rejects.toThrow('"permissions.allow" is not an array');
  });
});
