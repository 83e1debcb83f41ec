// A command file's body made into a prompt, as Claude Code does it: $ARGUMENTS and $1… replaced, each
// !`command` replaced by its output (run as the model's bash calls are, under the permission rules), and
// each @file attached (read as read_file reads, under the rules too).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { toolResultText } from '../../core/text.js';
import type { ContentBlock } from '../../core/types.js';
import type { CommandPrompt, ExpandContext } from './registry.js';

const MAX_INCLUDED_FILES = 20;

export async function expandCommandBody(name: string, body: string, args: string, ctx: ExpandContext): Promise<CommandPrompt> {
  const notes: string[] = [];
  let text = substituteArguments(body, args);
  text = await includeCommandOutput(name, text, ctx, notes);
  const files = await includeFiles(text, ctx, notes);
  return { content: [{ type: 'text', text: text.trim() }, ...files], notes };
}

/**
 * `$ARGUMENTS` is the whole argument string; `$1`…`$9` the words (quotes group words). A body that uses
 * neither gets the arguments appended, so nothing typed is lost.
 */
export function substituteArguments(body: string, args: string): string {
  const words = splitArguments(args);
  let used = false;
  const out = body.replace(/\$(ARGUMENTS|[1-9])\b/g, (_m, key: string) => {
    used = true;
    return key === 'ARGUMENTS' ? args : words[Number(key) - 1] ?? '';
  });
  return used || !args.trim() ? out : `${out.trimEnd()}\n\nARGUMENTS: ${args}`;
}

/** Shell-like words: spaces separate, single or double quotes group. */
export function splitArguments(args: string): string[] {
  const words: string[] = [];
  for (const m of args.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

async function includeCommandOutput(name: string, text: string, ctx: ExpandContext, notes: string[]): Promise<string> {
  const pattern = /!`([^`\n]+)`/g;
  const commands = [...text.matchAll(pattern)].map((m) => m[1]!);
  if (!commands.length) return text;
  const outputs = new Map<string, string>();
  // In order, one at a time: a command may depend on an earlier one (git add, then git diff --cached).
  for (const command of commands) {
    if (outputs.has(command)) continue;
    ctx.signal?.throwIfAborted();
    const result = await ctx.runTool('bash', { command, description: `${name}: !\`${command}\`` });
    const output = toolResultText(result.content).trimEnd();
    outputs.set(command, output);
    notes.push(result.isError ? `${name}: !\`${command}\` did not run: ${firstLine(output)}` : `${name}: ran ${command}`);
  }
  return text.replace(pattern, (_m, command: string) => outputs.get(command) ?? '');
}

/** Files named with @ (at the start or after whitespace) that exist in the workspace, attached after the text. */
async function includeFiles(text: string, ctx: ExpandContext, notes: string[]): Promise<ContentBlock[]> {
  const names = [...new Set([...text.matchAll(/(?:^|\s)@([^\s@`]+)/g)].map((m) => m[1]!.replace(/[.,;:!?)\]}'"]+$/, '')))];
  const blocks: ContentBlock[] = [];
  for (const name of names.slice(0, MAX_INCLUDED_FILES)) {
    const abs = path.resolve(ctx.workspaceRoot, name);
    // A word that names no file (`@types/node` in prose) is left as written.
    const info = await stat(abs).catch(() => undefined);
    if (!info?.isFile()) continue;
    const result = await ctx.runTool('read_file', { path: name });
    const body = toolResultText(result.content);
    if (result.isError) {
      notes.push(`not attached: @${name} (${firstLine(body)})`);
      continue;
    }
    blocks.push({ type: 'text', text: `<file path="${name}">\n${body}\n</file>` });
    notes.push(`attached ${name}`);
  }
  return blocks;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}
