import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermissionPolicy } from '../../../src/workspace/permissions/decide.js';
import { SettingsError, loadPermissionSettings } from '../../../src/workspace/permissions/settings.js';
import { tempDir } from './policy-fixture.js';

let home: string;
let root: string;
beforeEach(async () => {
  home = await tempDir('tandem-settings-home-');
  root = await tempDir('tandem-settings-ws-');
});
afterEach(async () => {
  const { rm } = await import('node:fs/promises');
  await rm(home, { recursive: true, force: true });
  await rm(root, { recursive: true, force: true });
});

const userFile = () => path.join(home, '.tandem', 'settings.json');
const projectFile = () => path.join(root, '.tandem', 'settings.json');
const localFile = () => path.join(root, '.tandem', 'settings.local.json');
async function put(file: string, content: unknown) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}
const load = (extra: Partial<Parameters<typeof loadPermissionSettings>[0]> = {}) =>
  loadPermissionSettings({ home, workspaceRoot: root, cliAllow: [], cliDeny: [], ...extra });

async function loadError(): Promise<SettingsError> {
  try {
    await load();
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return err as SettingsError;
  }
  throw new Error('expected a SettingsError');
}

describe('loadPermissionSettings', () => {
  it('returns the defaults when no file exists', async () => {
    const s = await load();
    expect(s).toMatchObject({ rules: [], defaultMode: 'default', modeSource: 'default', files: [], inheritCredentials: false });
    expect(s.sandbox).toEqual({ enabled: false, network: false, extraWritable: [], denyRead: [] });
  });

  it('merges user, project, local and flags in that order, later scalars winning', async () => {
    await put(userFile(), { permissions: { allow: ['Bash(ls)'], defaultMode: 'plan' }, sandbox: { enabled: true, extraWritable: ['~/.npm'] } });
    await put(projectFile(), { permissions: { deny: ['Bash(git push:*)'], defaultMode: 'acceptEdits' } });
    await put(localFile(), { permissions: { ask: ['Bash(npm publish:*)'] }, env: { inheritCredentials: true }, sandbox: { enabled: false, network: true } });
    const s = await load({ cliAllow: ['Edit(src/**)'], cliDeny: ['Read(.env)'] });
    expect(s.files).toEqual([userFile(), projectFile(), localFile()]);
    expect(s.rules.map((r) => [r.kind, r.text, r.source])).toEqual([
      ['allow', 'Bash(ls)', userFile()],
      ['deny', 'Bash(git push:*)', projectFile()],
      ['ask', 'Bash(npm publish:*)', localFile()],
      ['allow', 'Edit(src/**)', '--allow'],
      ['deny', 'Read(.env)', '--deny'],
    ]);
    expect(s.defaultMode).toBe('acceptEdits');
    expect(s.modeSource).toBe(projectFile());
    expect(s.sandbox).toEqual({ enabled: false, network: true, extraWritable: [path.join(home, ".npm")], denyRead: [] });
    expect(s.inheritCredentials).toBe(true);
    const policy = new PermissionPolicy(s, { workspaceRoot: root, home });
    expect(policy.mode).toBe('acceptEdits');
    expect(policy.describeRules()[1]).toEqual({ rule: 'Bash(git push:*)', kind: 'deny', source: projectFile() });
  });

  it('ignores what the shared project file would loosen, saying where to set it instead', async () => {
    await put(projectFile(), `{
  "permissions": { "allow": ["Bash(npm test:*)"], "defaultMode": "bypassPermissions" },
  "env": { "inheritCredentials": true },
  "sandbox": { "network": true, "extraWritable": ["~"] }
}`);
    const s = await load();
    expect(s.defaultMode).toBe('default');
    expect(s.modeSource).toBe('default');
    expect(s.inheritCredentials).toBe(false);
    expect(s.sandbox).toEqual({ enabled: false, network: false, extraWritable: [], denyRead: [] });
    expect(s.rules.map((r) => r.text)).toEqual(['Bash(npm test:*)']);
    expect(s.warnings).toEqual([
      `${projectFile()}:2:66: "defaultMode": "bypassPermissions" is ignored in the project's shared settings, which a cloned repository could set; `
        + `to use it, set it in your user settings (${userFile()}) or in ${localFile()}, or pass --permission-mode bypassPermissions`,
      expect.stringMatching(new RegExp(`^${projectFile()}:3:34: "env.inheritCredentials": true is ignored .*set it in your user settings`)),
      expect.stringMatching(new RegExp(`^${projectFile()}:4:27: "sandbox.network": true is ignored`)),
      expect.stringMatching(new RegExp(`^${projectFile()}:4:50: "sandbox.extraWritable" is ignored`)),
    ]);
  });

  it('takes those settings from the user file and settings.local.json, and lets the project file tighten', async () => {
    await put(userFile(), { permissions: { defaultMode: 'bypassPermissions' }, sandbox: { enabled: true } });
    await put(projectFile(), { permissions: { defaultMode: 'acceptEdits' }, sandbox: { enabled: false }, env: { inheritCredentials: false } });
    const tightened = await load();
    expect(tightened).toMatchObject({ defaultMode: 'acceptEdits', inheritCredentials: false, sandbox: { enabled: true } });
    expect(tightened.warnings).toEqual([expect.stringContaining('"sandbox.enabled": false is ignored')]);
    await put(projectFile(), { sandbox: { enabled: true } });
    await put(localFile(), { permissions: { defaultMode: 'bypassPermissions' }, env: { inheritCredentials: true }, sandbox: { network: true } });
    const local = await load();
    expect(local).toMatchObject({ defaultMode: 'bypassPermissions', modeSource: localFile(), inheritCredentials: true, sandbox: { enabled: true, network: true } });
    expect(local.warnings).toEqual([]);
  });

  it('lets --permission-mode and --sandbox override every file', async () => {
    await put(localFile(), { permissions: { defaultMode: 'bypassPermissions' }, sandbox: { enabled: false } });
    const s = await load({ cliMode: 'plan', cliSandbox: true });
    expect(s.defaultMode).toBe('plan');
    expect(s.modeSource).toBe('--permission-mode');
    expect(s.sandbox.enabled).toBe(true);
  });

  it('accepts files carried over from other tools: extra keys, other tools\' rules, empty files', async () => {
    await put(userFile(), { model: 'x', hooks: {}, permissions: { allow: ['WebFetch', 'WebFetch(domain:a.com)', 'mcp__gh__issue'], additionalDirectories: ['../x'] }, env: { FOO: 'bar' } });
    await put(projectFile(), '  \n');
    const s = await load();
    expect(s.rules).toHaveLength(3);
    expect(s.warnings).toEqual([]);
  });

  it('warns about tool names in the wrong case', async () => {
    await put(projectFile(), '{\n  "permissions": {\n    "allow": ["bash(ls)"]\n  }\n}\n');
    const s = await load();
    expect(s.warnings).toEqual([`${projectFile()}:3:15: "bash(ls)" names no tandem tool; tool names are case-sensitive (did you mean Bash?)`]);
  });
});

describe('malformed settings files', () => {
  it('JSON syntax errors name the file, line and column', async () => {
    await put(projectFile(), '{\n  "permissions": {\n    "allow": ["Bash(ls)",]\n  }\n}\n');
    const err = await loadError();
    expect(err.message).toBe(`${projectFile()}:3:26: invalid JSON: trailing comma before "]" is not allowed in JSON`);
    expect(err.file).toBe(projectFile());
    expect(err.location).toEqual({ line: 3, column: 26 });
  });

  it.each([
    ['{\n  "permissions": {\n    "allow": ["a"]\n    "deny": []\n  }\n}', 4, 5, 'expected "," or "}" after a property value but found "\\""'],
    ['{\n  "permissions": {', 2, 19, 'expected a property name in double quotes but found the end of the file'],
    ["{\n  'permissions': {}\n}", 2, 3, 'expected a property name in double quotes'],
    ['{"a": tru}', 1, 7, 'expected a value'],
    ['{"a": 1} x', 1, 10, 'unexpected "x" after the end of the JSON value'],
    ['{"a": "x\ny"}', 1, 9, 'control character'],
  ])('%j → line %i column %i', async (text, line, column, message) => {
    await put(localFile(), text);
    const err = await loadError();
    expect(err.location).toEqual({ line, column });
    expect(err.message).toContain(`${localFile()}:${line}:${column}: invalid JSON: ${message}`);
  });

  it('wrong types name the setting and where it is', async () => {
    await put(userFile(), '{\n  "permissions": {\n    "allow": "Bash(ls)",\n    "defaultMode": "yolo"\n  },\n  "sandbox": { "network": "no" }\n}\n');
    const err = await loadError();
    expect(err.message).toContain(`${userFile()}:3:14: permissions.allow: Invalid input: expected array, received string`);
    expect(err.message).toContain(`${userFile()}:4:20: permissions.defaultMode: Invalid option: expected one of "default"|"acceptEdits"|"plan"|"bypassPermissions"`);
    expect(err.message).toContain(`${userFile()}:6:27: sandbox.network: Invalid input: expected boolean, received string`);
    expect(err.location).toEqual({ line: 3, column: 14 });
  });

  it('a non-string rule and a non-object file are type errors', async () => {
    await put(projectFile(), '{"permissions": {"deny": ["Bash(rm:*)", 42]}}');
    expect((await loadError()).message).toBe(`${projectFile()}:1:41: permissions.deny[1]: Invalid input: expected string, received number`);
    await put(projectFile(), '[]');
    expect((await loadError()).message).toBe(`${projectFile()}:1:1: settings: Invalid input: expected object, received array`);
  });

  it('unknown rule syntax is an error at the rule', async () => {
    await put(localFile(), '{\n  "permissions": {\n    "deny": [\n      "Bash(git push:*)",\n      "Bash(npm test"\n    ]\n  }\n}\n');
    const err = await loadError();
    expect(err.message).toBe(`${localFile()}:5:7: permissions.deny: "Bash(npm test" is missing its closing parenthesis`);
  });

  it('a malformed flag rule names the flag', async () => {
    await expect(load({ cliAllow: ['Bash(a)(b)'] })).rejects.toThrow('--allow: allow rule: "Bash(a)(b)" has unbalanced parentheses');
  });

  it('an unreadable settings path is an error naming it', async () => {
    await mkdir(projectFile(), { recursive: true });
    expect((await loadError()).message).toMatch(new RegExp(`^${projectFile()}: cannot read settings: .*EISDIR`));
  });
});
