// Where `tandem mcp add|remove` write, as Claude Code's `claude mcp` does: `local` (the default) is private to
// you in this workspace (in your own settings, under `projects`), `project` is the shared `.mcp.json`, `user`
// is every workspace of yours. Other keys of each file are kept as they are.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../workspace/atomic-write.js';

export type WritableScope = 'local' | 'project' | 'user';
export const SCOPES: readonly WritableScope[] = ['local', 'project', 'user'];

export interface ScopeFile {
  file: string;
  /** The JSON path of the mcpServers object inside it. */
  at: string[];
}

export function scopeFile(scope: WritableScope, home: string, workspaceRoot: string): ScopeFile {
  switch (scope) {
    case 'user': return { file: path.join(home, 'settings.json'), at: ['mcpServers'] };
    case 'project': return { file: path.join(workspaceRoot, '.mcp.json'), at: ['mcpServers'] };
    case 'local': return { file: path.join(home, 'settings.json'), at: ['projects', workspaceRoot, 'mcpServers'] };
  }
}

/** A file `tandem mcp` cannot edit (not JSON, not an object); the message names it. */
export class McpConfigFileError extends Error {
  override name = 'McpConfigFileError';
}

function readObject(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new McpConfigFileError(`${file} is not valid JSON (${(err as Error).message}); fix it or remove it first.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new McpConfigFileError(`${file} does not hold a JSON object.`);
  return json as Record<string, unknown>;
}

function servers(json: Record<string, unknown>, at: string[], create: boolean): Record<string, unknown> | undefined {
  let node: Record<string, unknown> = json;
  for (const key of at) {
    let next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      if (!create) return undefined;
      next = {};
      node[key] = next;
    }
    node = next as Record<string, unknown>;
  }
  return node;
}

/** The entries a scope holds now. */
export function readScope(scope: WritableScope, home: string, workspaceRoot: string): Record<string, unknown> {
  const { file, at } = scopeFile(scope, home, workspaceRoot);
  return servers(readObject(file), at, false) ?? {};
}

/** Adds (or replaces) `name` in `scope`; says whether it replaced one. */
export async function addServer(scope: WritableScope, home: string, workspaceRoot: string, name: string, entry: unknown): Promise<{ file: string; replaced: boolean }> {
  const { file, at } = scopeFile(scope, home, workspaceRoot);
  const json = readObject(file);
  const list = servers(json, at, true)!;
  const replaced = name in list;
  list[name] = entry;
  await writeFileAtomic(file, `${JSON.stringify(json, null, 2)}\n`);
  return { file, replaced };
}

/** Removes `name` from `scope`; false when it was not there. */
export async function removeServer(scope: WritableScope, home: string, workspaceRoot: string, name: string): Promise<{ file: string; removed: boolean }> {
  const { file, at } = scopeFile(scope, home, workspaceRoot);
  const json = readObject(file);
  const list = servers(json, at, false);
  if (!list || !(name in list)) return { file, removed: false };
  delete list[name];
  await writeFileAtomic(file, `${JSON.stringify(json, null, 2)}\n`);
  return { file, removed: true };
}
