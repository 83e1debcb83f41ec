// read_file: a window of numbered lines from a text file in the workspace, streamed so a window of a huge file
// costs what the window costs; missing files, directories and binaries get messages the model can act on.
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import type { AgentTool } from '../core/types.js';
import { readLineWindow, type LineWindow } from '../workspace/line-window.js';
import { displayPath, resolveInWorkspace, type Workspace } from '../workspace/paths.js';
import { binaryMessage, describeDirectory, notFoundMessage } from './file-hints.js';
import type { FileIO } from './file-io.js';
import { windowOfText } from './file-io.js';
import { defineTool, ToolError } from './tool.js';
import { describeImage, prepareImageFile, sniffImageFile } from './image/prepare-image.js';

const DEFAULT_LIMIT = 2000;
const MAX_LINE_CHARS = 2000;
const MAX_OUTPUT_CHARS = 50_000;
/** Files up to this size are scanned to the end so the hint can give a total line count. */
const COUNT_ALL_MAX_BYTES = 50 * 1024 * 1024;

const schema = z.object({
  path: z.string().describe('Relative to the workspace.'),
  offset: z.number().int().min(1).optional(),
  limit: z.number().int().min(1).optional(),
});

const DESCRIPTION = `Read a text file as numbered lines ("  12\\tcode"; the number and tab are not part of the file). \
Up to ${DEFAULT_LIMIT} lines from offset (1-based); for large files read the part you need and follow the hint at \
the end. Read a file before editing it. Directories are listed; PNG, JPEG, GIF and WebP images are shown to you; \
other binary files refused.`;

export interface ReadFileOptions {
  /** Whether the current model takes images (asked at each call: the model can change). Default: yes. */
  takesImages?: () => boolean;
}

/** The read_file tool, confined to `ws` (its root and read roots). */
export function createReadFileTool(ws: Workspace, io: FileIO = {}, opts: ReadFileOptions = {}): AgentTool {
  return defineTool({
    name: 'read_file',
    description: DESCRIPTION,
    schema,
    readOnly: true,
    summarize: ({ path, offset, limit }) =>
      offset || limit ? `${path}:${offset ?? 1}-${(offset ?? 1) + (limit ?? DEFAULT_LIMIT) - 1}` : path,
    async execute({ path, offset = 1, limit = DEFAULT_LIMIT }, ctx) {
      const abs = await resolveInWorkspace(ws, path, 'read');
      const name = (p: string): string => displayPath(ws, p);
      const shown = name(abs);
      const buffered = await io.readText?.(abs);
      if (buffered !== undefined) {
        const window = windowOfText(buffered, { offset, limit, maxLineChars: MAX_LINE_CHARS, maxChars: MAX_OUTPUT_CHARS });
        if (!window.lines.length) {
          if (window.total === 0) return `${shown} is empty.`;
          throw new ToolError(`${shown} has ${window.total} lines; offset=${offset} is past the end. Call read_file with an offset from 1 to ${window.total}.`);
        }
        return formatWindow(window, offset, Buffer.byteLength(buffered));
      }
      const st = await stat(abs).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
        throw err;
      });
      if (!st) throw new ToolError(await notFoundMessage(abs, name));
      if (st.isDirectory()) return { content: await describeDirectory(abs, shown), isError: true };
      if (!st.isFile()) {
        throw new ToolError(`${shown} is not a regular file (a FIFO, socket or device); read_file reads files only.`);
      }
      if (st.size === 0) return `${shown} is empty (0 bytes).`;
      const imageType = await sniffImageFile(abs);
      if (imageType) {
        if (opts.takesImages && !opts.takesImages()) {
          throw new ToolError(`${shown} is an image (${imageType}), and the current model does not take images, so it cannot be shown.`);
        }
        const img = await prepareImageFile(abs, shown, st.size);
        const details = {
          kind: 'image', path: shown, mediaType: img.mediaType, width: img.width, height: img.height, bytes: img.bytes,
          ...(img.resized ? { resized: img.resized } : {}),
        };
        return { content: [{ type: 'text', text: `Image ${shown} (${describeImage(img)})` }, img.block], details };
      }
      const binary = await binaryMessage(abs, shown, st.size);
      if (binary) throw new ToolError(binary);

      const window = await readLineWindow(abs, {
        offset, limit, maxLineChars: MAX_LINE_CHARS, maxChars: MAX_OUTPUT_CHARS,
        countAll: st.size <= COUNT_ALL_MAX_BYTES, signal: ctx.signal,
      }).catch((err: Error) => {
        if (err.name === 'AbortError') throw new ToolError(`read_file of ${shown} was interrupted.`);
        throw err;
      });
      if (!window.lines.length) {
        if (window.total === 0) return `${shown} is empty (${st.size} bytes, no text lines).`;
        throw new ToolError(
          `${shown} has ${window.total} lines; offset=${offset} is past the end. ` +
          `Call read_file with an offset from 1 to ${window.total}.`,
        );
      }
      return formatWindow(window, offset, st.size);
    },
  });
}

function formatWindow(window: LineWindow, offset: number, size: number): string {
  const last = window.lines[window.lines.length - 1]!.n;
  const width = Math.max(6, String(last).length);
  const body = window.lines.map((line) => {
    const cut = line.fullChars === undefined ? '' : `… [line truncated, ${line.fullChars.toLocaleString('en-US')} chars]`;
    return `${String(line.n).padStart(width)}\t${line.text}${cut}`;
  });
  const notes: string[] = [];
  if (window.lines.some((line) => line.fullChars !== undefined)) {
    notes.push(`[lines over ${MAX_LINE_CHARS.toLocaleString('en-US')} characters were cut; ` +
      'view the rest of one with a shell command such as cut -c2001-6000]');
  }
  const range = `lines ${offset}-${last}`;
  if (window.more) {
    const of = window.total !== undefined
      ? ` of ${window.total}`
      : `; more lines follow (the file is ${formatSize(size)}, so lines were not counted)`;
    const capped = window.capped ? ` (output capped at ${MAX_OUTPUT_CHARS.toLocaleString('en-US')} characters)` : '';
    notes.push(`[showing ${range}${of}${capped}; call read_file with offset=${last + 1} to continue]`);
  } else if (offset > 1) {
    notes.push(`[end of file; showing ${range} of ${window.total ?? last}]`);
  }
  return [...body, ...notes].join('\n');
}

function formatSize(bytes: number): string {
  const [size, unit] = bytes >= 1024 ** 3 ? [bytes / 1024 ** 3, 'GiB'] : [bytes / 1024 ** 2, 'MiB'];
  return `${size.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${unit}`;
}
