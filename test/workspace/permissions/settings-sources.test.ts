// Claude Code's settings files beside tandem's (one precedence: user < project < local, Claude Code's file
// under tandem's at each level) and what an untrusted workspace's files may still do.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPermissionSettings, settingsSources } from '../../../src/workspace/permissions/settings.js';
import { tempDir } from './policy-fixture.js';

let home: string;
let root: string;
beforeEach(async () => {
  home = await tempDir('tandem-sources-home-');
  root = await tempDir('tandem-sources-ws-');
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(root, { recursive: true, force: true });
});

async function put(file: string, content: unknown) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}
const load = (extra: Partial<Parameters<typeof loadPermissionSettings>[0]> = {}) =>
  loadPermissionSettings({ home, workspaceRoot: root, ...extra });

describe('settings sources', () => {
  it('lists user, project and local files, Claude Code\'s under tandem\'s at each level', () => {
    expect(settingsSources({ home, workspaceRoot: root }).map((s) => `${s.scope} ${path.relative(s.scope === 'user' ? home : root, s.file)}`)).toEqual([
      'user .claude/settings.json', 'user .tandem/settings.json',
      'project .claude/settings.json', 'project .tandem/settings.json',
      'local .claude/settings.local.json', 'local .tandem/settings.local.json',
    ]);
  });

  it('a workspace that is the home folder reads its files once, as the user\'s', () => {
    const sources = settingsSources({ home, workspaceRoot: home });
    expect(sources.filter((s) => s.file === path.join(home, '.claude', 'settings.json')).map((s) => s.scope)).toEqual(['user']);
  });

  it('reads Claude Code\'s rules, mode and hooks; the later file\'s mode wins', async () => {
    await put(path.join(home, '.claude', 'settings.json'), { permissions: { allow: ['Bash(npm test:*)'], defaultMode: 'acceptEdits' } });
    await put(path.join(root, '.claude', 'settings.json'), { permissions: { deny: ['Read(.env)'] }, hooks: { Stop: [] } });
    await put(path.join(root, '.claude', 'settings.local.json'), { permissions: { defaultMode: 'plan' } });
    const s = await load();
    expect(s.rules.map((r) => `${r.kind} ${r.text}`)).toEqual(['allow Bash(npm test:*)', 'deny Read(.env)']);
    expect(s.defaultMode).toBe('plan');
    expect(s.modeSource).toBe(path.join(root, '.claude', 'settings.local.json'));
    expect(s.hooks).toEqual([{ file: path.join(root, '.claude', 'settings.json'), scope: 'project', hooks: { Stop: [] } }]);
  });

  it('what tandem cannot use in a Claude Code file is a warning, never an error', async () => {
    await put(path.join(home, '.claude', 'settings.json'), '{ "permissions": { "allow": ["Bash(ls"] , "defaultMode": "dontAsk" }, "sandbox": { "network": { "allowUnixSockets": [] } } }');
    await put(path.join(root, '.claude', 'settings.json'), '{ not json');
    const s = await load();
    expect(s.rules).toEqual([]);
    expect(s.warnings.join('\n')).toMatch(/settings\.json:1:\d+: rule ignored: .*missing its closing parenthesis/);
    expect(s.warnings.join('\n')).toMatch(/defaultMode "dontAsk" is not one of tandem's modes/);
    expect(s.warnings.join('\n')).toMatch(/invalid JSON .*this Claude Code settings file is ignored/);
  });

  it('claudeUserDir null reads no Claude Code file', async () => {
    await put(path.join(home, '.claude', 'settings.json'), { permissions: { allow: ['Bash'] } });
    expect((await load({ claudeUserDir: null })).rules).toEqual([]);
  });
});

describe('an untrusted workspace', () => {
  it('keeps its deny and ask rules and plan mode, drops allow rules, modes, hooks and sandbox loosening, and lists them', async () => {
    await put(path.join(home, '.tandem', 'settings.json'), { permissions: { allow: ['Read'] }, hooks: { Stop: [] } });
    await put(path.join(root, '.tandem', 'settings.json'), { permissions: { allow: ['Bash'], deny: ['Bash(rm:*)'], ask: ['Edit'] }, hooks: { PreToolUse: [] }, sandbox: { network: true } });
    await put(path.join(root, '.tandem', 'settings.local.json'), { permissions: { defaultMode: 'bypassPermissions' }, env: { inheritCredentials: true } });
    await put(path.join(root, '.claude', 'settings.local.json'), { permissions: { defaultMode: 'plan', allow: ['Edit'] } });
    const s = await load({ trusted: false });
    expect(s.rules.map((r) => `${r.kind} ${r.text}`)).toEqual(['allow Read', 'ask Edit', 'deny Bash(rm:*)']);
    expect(s.defaultMode).toBe('plan');
    expect(s.sandbox.network).toBe(false);
    expect(s.inheritCredentials).toBe(false);
    expect(s.hooks.map((h) => h.scope)).toEqual(['user']);
    expect(s.ignored).toEqual([
      '.tandem/settings.json: allow Bash; hooks; sandbox changes',
      '.claude/settings.local.json: allow Edit',
      '.tandem/settings.local.json: mode bypassPermissions; env.inheritCredentials',
    ]);
  });

  it('trusted, the same files apply (the shared file still cannot bypass)', async () => {
    await put(path.join(root, '.tandem', 'settings.json'), { permissions: { allow: ['Bash'], defaultMode: 'bypassPermissions' }, hooks: { PreToolUse: [] } });
    const s = await load({ trusted: true });
    expect(s.rules.map((r) => r.text)).toEqual(['Bash']);
    expect(s.defaultMode).toBe('default');
    expect(s.hooks).toHaveLength(1);
    expect(s.ignored).toEqual([]);
  });
});
