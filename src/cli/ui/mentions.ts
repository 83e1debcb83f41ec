// @path mentions: each file named with @ in a prompt (inside the workspace, text, bounded) is attached to the
// prompt as its own text block, and the person is told what was attached or why not.
import { plural } from '../../core/text.js';
import { open, stat } from 'node:fs/promises';
import type { TextBlock } from '../../core/types.js';
import { sniffImageFile } from '../../tools/image/prepare-image.js';
import { displayPath, resolveInWorkspace, type Workspace } from '../../workspace/paths.js';

export const MAX_MENTION_BYTES = 100_000;
export const MAX_MENTIONS = 10;

export interface Mentions {
  blocks: TextBlock[];
  /** One line per mention: "attached src/a.ts (120 lines)" or why it was not. */
  notes: string[];
}

/** The @-words of a prompt: "@src/a.ts" at the start or after whitespace (so mail addresses are not mentions). */
export function findMentions(text: string): string[] {
  // `@SERVER:scheme://…` names an MCP resource, which the runtime attaches (src/session/mcp-wiring.ts).
  const found = [...text.matchAll(/(?:^|\s)@([^\s@]+)/g)].map((m) => m[1]!).filter((m) => !/^[A-Za-z0-9_-]+:[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(m));
  return [...new Set(found)].slice(0, MAX_MENTIONS);
}

export async function expandMentions(text: string, ws: Workspace): Promise<Mentions> {
  const out: Mentions = { blocks: [], notes: [] };
  const confined: Workspace = { root: ws.root, readRoots: [] };
  for (const raw of findMentions(text)) {
    // "see @a.ts." should find a.ts: retry without trailing punctuation.
    const candidates = [raw, raw.replace(/[.,;:!?)\]}'"`]+$/, '')].filter((c, i, all) => c && all.indexOf(c) === i);
    let attached = false;
    let why = 'no such file';
    for (const candidate of candidates) {
      const result = await readMention(candidate, confined);
      if ('image' in result) { attached = true; break; } // attached as an image (session/prompt-input.ts)
      if ('block' in result) {
        out.blocks.push(result.block);
        out.notes.push(result.note);
        attached = true;
        break;
      }
      why = result.why;
    }
    if (!attached) out.notes.push(`not attached: @${raw} (${why})`);
  }
  return out;
}

async function readMention(p: string, ws: Workspace): Promise<{ block: TextBlock; note: string } | { why: string } | { image: true }> {
  let abs: string;
  try {
    abs = await resolveInWorkspace(ws, p, 'read');
  } catch {
    return { why: 'outside the workspace' };
  }
  const info = await stat(abs).catch(() => undefined);
  if (!info) return { why: 'no such file' };
  if (!info.isFile()) return { why: info.isDirectory() ? 'a folder' : 'not a regular file' };
  if (await sniffImageFile(abs).catch(() => undefined)) return { image: true };
  const handle = await open(abs, 'r');
  let bytes: Buffer;
  try {
    bytes = Buffer.alloc(Math.min(info.size, MAX_MENTION_BYTES));
    await handle.read(bytes, 0, bytes.length, 0);
  } finally {
    await handle.close();
  }
  if (bytes.includes(0)) return { why: 'a binary file' };
  let content = bytes.toString('utf8');
  const cut = info.size > MAX_MENTION_BYTES;
  if (cut) content = content.slice(0, content.lastIndexOf('\n') + 1 || content.length);
  const shown = displayPath(ws, abs);
  const lines = content.split('\n').length - (content.endsWith('\n') ? 1 : 0);
  const more = cut ? `\n[... truncated: the file has ${info.size} bytes; read_file ${shown} with an offset for the rest]` : '';
  return {
    block: { type: 'text', text: `<file path="${shown}">\n${content}${more}\n</file>` },
    note: `attached ${shown} (${plural(lines, 'line')}${cut ? ', truncated' : ''})`,
  };
}
