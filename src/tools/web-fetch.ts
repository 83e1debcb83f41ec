// web_fetch: a URL's content for the model, HTML converted to Markdown, bounded (a window of characters with
// an offset to continue, the page kept for a while so continuing does not fetch again). Permission is asked
// per host (WebFetch(domain:HOST) rules) by the permission gate before this runs; a redirect to another host is
// not followed but reported, so that host is asked about in turn.
import { z } from 'zod';
import type { AgentTool } from '../core/types.js';
import { htmlToMarkdown } from './web/html-markdown.js';
import { defineTool, ToolError } from './tool.js';

const MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_CHARS = 40_000;
const TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;
const CACHE_MS = 15 * 60_000;
const CACHE_ENTRIES = 20;

const schema = z.object({
  url: z.string().min(1).describe('http:// or https:// URL.'),
  offset: z.number().int().min(0).optional().describe('Character to start at, to continue a long page.'),
  max_chars: z.number().int().min(1000).max(200_000).optional().describe(`Characters to return (default ${DEFAULT_CHARS}).`),
});

const DESCRIPTION = `Fetch a web page (or text, JSON) and return it as Markdown. Long pages are cut; the note at \
the end gives the offset to continue. Needs the user's permission per host.`;

export interface WebFetchOptions {
  /** The fetch to use (tests, proxies); default: the global fetch. */
  fetch?: typeof fetch;
  userAgent?: string;
}

interface Page { url: string; status: number; statusText: string; type: string; text: string; truncatedBytes: boolean; at: number }

export function createWebFetchTool(opts: WebFetchOptions = {}): AgentTool {
  const doFetch = opts.fetch ?? fetch;
  const cache = new Map<string, Page>();
  return defineTool({
    name: 'web_fetch',
    description: DESCRIPTION,
    schema,
    readOnly: true,
    summarize: (i) => i.url,
    async execute(input, ctx) {
      const url = parseUrl(input.url);
      let page = cache.get(url.href);
      if (!page || Date.now() - page.at > CACHE_MS) {
        const got = await load(url, doFetch, opts.userAgent ?? 'tandem (web_fetch)', ctx.signal);
        if (typeof got === 'string') return got; // a redirect to another host
        page = got;
        cache.set(url.href, page);
        if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
      }
      return render(page, input.offset ?? 0, input.max_chars ?? DEFAULT_CHARS);
    },
  });
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ToolError(`${JSON.stringify(raw)} is not a URL; give a full http:// or https:// address.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ToolError(`web_fetch fetches http and https URLs only, not ${url.protocol}; read local files with read_file.`);
  }
  url.hash = '';
  return url;
}

async function load(start: URL, doFetch: typeof fetch, userAgent: string, signal: AbortSignal): Promise<Page | string> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const both = AbortSignal.any([signal, timeout]);
  let url = start;
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      res = await doFetch(url, {
        redirect: 'manual', signal: both,
        headers: { 'user-agent': userAgent, accept: 'text/html,text/markdown,text/plain,application/json;q=0.9,*/*;q=0.5' },
      });
    } catch (err) {
      if (signal.aborted) throw new ToolError('web_fetch was interrupted.');
      if (timeout.aborted) throw new ToolError(`${url.href} did not answer within ${TIMEOUT_MS / 1000} s.`);
      throw new ToolError(`Could not fetch ${url.href}: ${describeFetchError(err)}`);
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      const next = new URL(location, url);
      if (next.hostname !== url.hostname) {
        return `${url.href} redirects (HTTP ${res.status}) to another host: ${next.href}\n` +
          'It was not followed. Call web_fetch with that URL if you want it (its host is asked about separately).';
      }
      if (hop >= MAX_REDIRECTS) throw new ToolError(`${start.href} redirected more than ${MAX_REDIRECTS} times; stopped at ${next.href}.`);
      url = next;
      continue;
    }
    const { bytes, truncated } = await readBounded(res, both, signal);
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const raw = new TextDecoder(charsetOf(res.headers.get('content-type'))).decode(bytes);
    let text: string;
    if (/html|xhtml/.test(type) || (!type && /^\s*<(!doctype html|html)/i.test(raw))) text = await htmlToMarkdown(raw);
    else if (isText(type)) text = raw;
    else {
      throw new ToolError(`${url.href} is ${type || 'binary content'} (${bytes.length.toLocaleString('en-US')} bytes${truncated ? '+' : ''}), not text; web_fetch returns text and web pages.`);
    }
    return { url: url.href, status: res.status, statusText: res.statusText, type, text, truncatedBytes: truncated, at: Date.now() };
  }
}

function isText(type: string): boolean {
  return type.startsWith('text/') || /json|xml|javascript|ecmascript|yaml|toml|csv/.test(type);
}

function charsetOf(contentType: string | null): string {
  const cs = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  try {
    return cs ? (new TextDecoder(cs), cs) : 'utf-8';
  } catch {
    return 'utf-8';
  }
}

async function readBounded(res: Response, both: AbortSignal, user: AbortSignal): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  if (!res.body) return { bytes: new Uint8Array(), truncated };
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
      if (size >= MAX_BYTES) {
        truncated = true;
        await reader.cancel();
        break;
      }
    }
  } catch (err) {
    if (user.aborted) throw new ToolError('web_fetch was interrupted.');
    if (both.aborted) throw new ToolError(`${res.url || 'The page'} did not finish within ${TIMEOUT_MS / 1000} s.`);
    throw err;
  }
  const out = new Uint8Array(Math.min(size, MAX_BYTES));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, out.length - at);
    out.set(part, at);
    at += part.length;
    if (at >= out.length) break;
  }
  return { bytes: out, truncated };
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  switch (cause?.code) {
    case 'ECONNREFUSED': return 'connection refused (nothing listens there).';
    case 'ENOTFOUND': return 'the host name does not resolve (check the spelling, or there is no network).';
    case 'ECONNRESET': return 'the connection was reset.';
    default: return cause?.message ?? (err as Error).message ?? String(err);
  }
}

function render(page: Page, offset: number, maxChars: number) {
  const total = page.text.length;
  const details = { kind: 'web_fetch', url: page.url, status: page.status, contentType: page.type, chars: total };
  const head = page.status >= 400 ? `HTTP ${page.status} ${page.statusText}`.trim() + ` from ${page.url}\n\n` : '';
  if (offset >= total && total > 0) {
    throw new ToolError(`The page has ${total.toLocaleString('en-US')} characters; offset ${offset} is past the end.`);
  }
  const body = page.text.slice(offset, offset + maxChars);
  const notes: string[] = [];
  const end = offset + body.length;
  if (end < total) {
    notes.push(`[showing characters ${offset.toLocaleString('en-US')}-${end.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}; call web_fetch with offset=${end} to continue]`);
  }
  if (page.truncatedBytes && end >= total) notes.push(`[the page is larger than ${MAX_BYTES / 1024 / 1024} MB; only its start was read]`);
  const text = `${head}${body || '(empty page)'}${notes.length ? `\n\n${notes.join('\n')}` : ''}`;
  return { content: text, isError: page.status >= 400, details };
}
