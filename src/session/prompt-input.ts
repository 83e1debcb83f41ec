// What a person's prompt becomes for the model: their text, text piped on stdin beside it (bounded; saved whole
// to a file the model can read when large), and the images their text names by path (`look at shot.png`,
// `@"my screen.png"`, a path a terminal pasted for a dropped file).
import { stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { countLines, headTail } from '../core/text.js';
import type { ContentBlock } from '../core/types.js';
import { describeImage, prepareImageFile, sniffImageFile } from '../tools/image/prepare-image.js';

/** Piped text up to this many characters goes to the model whole. */
export const MAX_INLINE_STDIN = 50_000;
const MAX_IMAGES = 10;

export interface PromptInputOptions {
  /** Relative image paths start here. */
  cwd: string;
  /** Text piped on stdin, if any. */
  piped?: string;
  /** Where a large piped text is saved whole (a folder the model's tools can read). */
  saveDir: string;
  /** Whether the model takes images; when not, named images are left as text, with a warning. */
  takesImages: boolean;
  /** Told of what the person should know (an image not attached, a large input saved). */
  note?: (line: string) => void;
}

export async function promptContent(text: string, opts: PromptInputOptions): Promise<string | ContentBlock[]> {
  let body = text;
  if (opts.piped?.trim()) body = `${text}\n\n${await pipedBlock(opts.piped, opts)}`;
  const images = await namedImages(text, opts);
  if (!images.length) return body;
  return [{ type: 'text', text: body }, ...images];
}

async function pipedBlock(piped: string, opts: PromptInputOptions): Promise<string> {
  const clean = piped.replace(/\s+$/, '');
  if (clean.length <= MAX_INLINE_STDIN) return `<stdin>\n${clean}\n</stdin>`;
  const file = path.join(opts.saveDir, 'stdin.txt');
  await writeFile(file, piped, { mode: 0o600 });
  const lines = countLines(piped);
  opts.note?.(`stdin is ${clean.length.toLocaleString('en-US')} characters (${lines.toLocaleString('en-US')} lines): the model gets its start and end; the whole text is in ${file}`);
  const bounded = headTail(clean, MAX_INLINE_STDIN, `the whole input (${lines} lines) is in ${file}: read it with read_file or grep`);
  return `<stdin saved="${file}" chars="${clean.length}" lines="${lines}">\n${bounded.text}\n</stdin>`;
}

const IMAGE_EXT = String.raw`\.(?:png|jpe?g|gif|webp)`;
/** `"a b.png"`, `'a b.png'`, `a\ b.png`, `@shot.png`, `~/Desktop/x.jpg`, `file:///tmp/x.png`. */
const IMAGE_PATH = new RegExp(
  String.raw`(?:^|[\s(])@?(?:"([^"\n]+${IMAGE_EXT})"|'([^'\n]+${IMAGE_EXT})'|((?:\\ |[^\s"'()])+${IMAGE_EXT}))(?=$|[\s),.;:!?])`,
  'gi',
);

/** The images the text names that exist, each preceded by a line saying which file it is. */
async function namedImages(text: string, opts: PromptInputOptions): Promise<ContentBlock[]> {
  const seen = new Set<string>();
  const blocks: ContentBlock[] = [];
  for (const m of text.matchAll(IMAGE_PATH)) {
    const raw = m[1] ?? m[2] ?? m[3]!.replace(/\\ /g, ' ');
    const abs = resolvePath(raw, opts.cwd);
    if (seen.has(abs) || seen.size >= MAX_IMAGES) continue;
    seen.add(abs);
    const st = await stat(abs).catch(() => undefined);
    if (!st?.isFile() || !(await sniffImageFile(abs).catch(() => undefined))) continue;
    if (!opts.takesImages) {
      opts.note?.(`${raw} not attached: the current model does not take images`);
      continue;
    }
    try {
      const img = await prepareImageFile(abs, raw, st.size);
      blocks.push({ type: 'text', text: `[Image ${raw} (${describeImage(img)})]` }, img.block);
      opts.note?.(`attached ${raw} (${describeImage(img)})`);
    } catch (err) {
      opts.note?.(`${raw} not attached: ${(err as Error).message}`);
    }
  }
  return blocks;
}

function resolvePath(raw: string, cwd: string): string {
  if (raw.startsWith('file://')) {
    try {
      return new URL(raw).pathname;
    } catch {
      return raw;
    }
  }
  if (raw === '~' || raw.startsWith('~/')) return path.join(os.homedir(), raw.slice(1));
  return path.resolve(cwd, raw);
}
