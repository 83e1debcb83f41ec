// Assistant text as it streams: split into finished Markdown blocks (safe to render and print once) and the
// unfinished rest, and render a block for the terminal with marked-terminal (code highlighted when colour is on).
import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';
import { colorsEnabled, stripColors } from './theme.js';

export interface SplitText {
  /** Whole blocks: paragraphs ended by a blank line, closed code fences, ... ('' when none yet). */
  done: string;
  /** The block still being written. */
  rest: string;
}

/**
 * Cuts streamed Markdown after its last finished block: at the last blank line outside a code fence, or
 * right after a closing fence. Only whole lines count, so a half-written line always stays in `rest`.
 */
export function splitFinishedBlocks(text: string): SplitText {
  let fence: string | undefined;
  let cut = 0;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', lineStart)) {
    const line = text.slice(lineStart, nl);
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && !line.trim().slice(marker.length).trim()) {
        fence = undefined;
        cut = nl + 1;
      }
    } else if (marker) {
      fence = marker;
    } else if (!line.trim() && lineStart > cut) {
      cut = nl + 1;
    }
    lineStart = nl + 1;
  }
  return { done: text.slice(0, cut), rest: text.slice(cut) };
}

const renderers = new Map<number, Marked>();

function rendererFor(width: number): Marked {
  let m = renderers.get(width);
  if (!m) {
    m = new Marked(markedTerminal({ width, reflowText: false, tab: 2, emoji: false, showSectionPrefix: false }), {
      renderer: {
        // marked-terminal prints a tight list item's text token raw; render its inline formatting instead.
        text(token) {
          return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : false;
        },
      },
    });
    renderers.set(width, m);
  }
  return m;
}

/** Blocks longer than this are printed as they are: highlighting megabytes would stall the screen. */
export const MAX_RENDERED_CHARS = 100_000;

/** Terminal text for a Markdown block, without trailing blank lines; plain text if marked fails. */
export function renderMarkdown(markdown: string, width = 80): string {
  if (markdown.length > MAX_RENDERED_CHARS) return markdown.replace(/\s+$/, '');
  let out: string;
  try {
    out = rendererFor(Math.max(20, width)).parse(markdown, { async: false });
  } catch {
    out = markdown;
  }
  out = out.replace(/\s+$/, '');
  return colorsEnabled() ? out : stripColors(out);
}
