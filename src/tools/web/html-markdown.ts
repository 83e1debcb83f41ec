// HTML to Markdown with turndown (loaded on first use: most runs fetch nothing). Scripts, styles and page
// chrome that carry no content are dropped; the page title leads.
import type TurndownService from 'turndown';

let service: Promise<TurndownService> | undefined;

async function turndown(): Promise<TurndownService> {
  service ??= import('turndown').then(({ default: Turndown }) => {
    const t = new Turndown({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', emDelimiter: '*' });
    t.remove(['script', 'style', 'noscript', 'template', 'iframe', 'svg', 'canvas', 'object', 'embed', 'head', 'title'] as TurndownService.Filter);
    return t;
  });
  return service;
}

export async function htmlToMarkdown(html: string): Promise<string> {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html.slice(0, 100_000))?.[1]?.replace(/\s+/g, ' ').trim();
  const body = (await turndown()).turndown(html).replace(/\n{3,}/g, '\n\n').trim();
  return title && !body.startsWith(`# ${title}`) ? `# ${decodeEntities(title)}\n\n${body}` : body;
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" })[e] ?? _);
}
