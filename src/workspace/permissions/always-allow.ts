// "Yes, always": adds an allow rule to .tandem/settings.local.json, keeping everything else in the file.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { JsonSyntaxError, parseJsonWithLocations } from './json-locations.js';
import { RuleSyntaxError, parseRule } from './rules.js';
import { SettingsError } from './settings.js';

/** The personal, uncommitted settings file of a workspace. */
export const localSettingsFile = (workspaceRoot: string): string => path.join(workspaceRoot, '.tandem', 'settings.local.json');

/**
 * Appends `rule` to permissions.allow in the workspace's settings.local.json (created if missing), unless it is
 * there already. Throws SettingsError for an invalid rule or a file it cannot safely update (it is left as is).
 */
export async function addAllowRule(workspaceRoot: string, rule: string): Promise<{ file: string; added: boolean }> {
  const file = localSettingsFile(workspaceRoot);
  const text = rule.trim();
  try {
    parseRule(text);
  } catch (err) {
    if (err instanceof RuleSyntaxError) throw new SettingsError(`cannot add rule: ${err.message}`, file);
    throw err;
  }
  const settings = await readObject(file);
  const permissions = settings.permissions ?? {};
  if (typeof permissions !== 'object' || permissions === null || Array.isArray(permissions)) {
    throw new SettingsError('"permissions" is not an object; fix it by hand before adding rules', file);
  }
  const perms = permissions as Record<string, unknown>;
  const allow = perms.allow ?? [];
  if (!Array.isArray(allow)) throw new SettingsError('"permissions.allow" is not an array; fix it by hand before adding rules', file);
  if (allow.includes(text)) return { file, added: false };
  perms.allow = [...allow, text];
  settings.permissions = perms;
  await writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`);
  return { file, added: true };
}

async function readObject(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new SettingsError(`cannot read settings: ${(err as Error).message}`, file);
  }
  if (text.trim() === '') return {};
  try {
    const { value } = parseJsonWithLocations(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new SettingsError('settings must be a JSON object; fix it by hand before adding rules', file);
    }
    return value as Record<string, unknown>;
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new SettingsError(`invalid JSON: ${err.message}`, file, err.location);
    throw err;
  }
}
