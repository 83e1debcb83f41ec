// Checkpoints: the content every file had before tandem changed it, kept per session in its own folder (blobs
// named by their SHA-256, so a file saved twice costs once), so that /undo can revert the last change and
// /rewind can put files back as they were before any prompt. Nothing here touches git's history or index.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One change tandem made (or saw a command make) to a file. */
export interface FileChange {
  seq: number;
  /** The prompt it happened under (1-based; 0 before the first prompt). */
  prompt: number;
  path: string;
  /** The blob holding the content before, or null when the file did not exist. */
  before: string | null;
  /** The file was too large to keep: the change cannot be reverted. */
  tooLarge?: boolean;
  /** What changed it: write_file, edit_file, bash. */
  by: string;
}

/** Where the conversation stood when a prompt was added, so it can be cut back to before it. */
export interface PromptMark {
  n: number;
  text: string;
  messages: number;
  /** Blocks of the last message then (a prompt may extend a message of tool results). */
  blocks: number;
  at: number;
}

export interface Restored { path: string; action: 'restored' | 'deleted' | 'kept (too large to have been saved)' }

export interface CheckpointOptions {
  /** Larger files are not kept (default 10 MB). */
  maxFileBytes?: number;
  /** Once blobs pass this, the oldest changes are forgotten (default 200 MB). */
  maxTotalBytes?: number;
}

export class CheckpointStore {
  #changes: FileChange[] = [];
  #prompts: PromptMark[] = [];
  #seq = 0;
  #blobBytes = new Map<string, number>();
  #total = 0;
  readonly #maxFile: number;
  readonly #maxTotal: number;

  constructor(readonly dir: string, opts: CheckpointOptions = {}) {
    this.#maxFile = opts.maxFileBytes ?? 10 * 1024 * 1024;
    this.#maxTotal = opts.maxTotalBytes ?? 200 * 1024 * 1024;
  }

  get changes(): readonly FileChange[] { return this.#changes; }
  get prompts(): readonly PromptMark[] { return this.#prompts; }

  markPrompt(text: string, messages: number, blocks: number): PromptMark {
    const mark = { n: this.#prompts.length + 1, text, messages, blocks, at: Date.now() };
    this.#prompts.push(mark);
    return mark;
  }

  /** Keeps `abs`'s current content (or that it does not exist) before it is changed. */
  async beforeChange(abs: string, by: string): Promise<void> {
    const st = await stat(abs).catch(() => undefined);
    if (st && !st.isFile()) return;
    if (!st) return this.#add({ path: abs, before: null, by });
    if (st.size > this.#maxFile) return this.#add({ path: abs, before: null, tooLarge: true, by });
    await this.recordContent(abs, await readFile(abs), by);
  }

  /** Records that `abs` had `content` before a change (a command's, found afterwards). */
  async recordContent(abs: string, content: Buffer | null, by: string): Promise<void> {
    if (content === null) return this.#add({ path: abs, before: null, by });
    if (content.length > this.#maxFile) return this.#add({ path: abs, before: null, tooLarge: true, by });
    const hash = createHash('sha256').update(content).digest('hex');
    if (!this.#blobBytes.has(hash)) {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFile(path.join(this.dir, hash), content, { mode: 0o600 });
      this.#blobBytes.set(hash, content.length);
      this.#total += content.length;
    }
    this.#add({ path: abs, before: hash, by });
    await this.#bound();
  }

  /** Forgets the last change recorded for `abs` (the tool failed and changed nothing). */
  forgetLast(abs: string): void {
    const last = this.#changes.at(-1);
    if (last?.path === abs) this.#changes.pop();
  }

  /** Reverts the last change; undefined when there is none. */
  async undo(): Promise<Restored | undefined> {
    const last = this.#changes.pop();
    return last ? this.#restore(last) : undefined;
  }

  /** Files changed under prompt `n` or later, each as it was before the first of those changes. */
  filesSince(n: number): string[] {
    return [...new Set(this.#changes.filter((c) => c.prompt >= n).map((c) => c.path))];
  }

  /** Puts every file changed under prompt `n` or later back as it was before; forgets those changes. */
  async rewindFiles(n: number): Promise<Restored[]> {
    const later = this.#changes.filter((c) => c.prompt >= n);
    this.#changes = this.#changes.filter((c) => c.prompt < n);
    const first = new Map<string, FileChange>();
    for (const c of later) if (!first.has(c.path)) first.set(c.path, c);
    const out: Restored[] = [];
    for (const c of first.values()) out.push(await this.#restore(c));
    return out;
  }

  /** Forgets prompt marks from `n` on (the conversation was cut back to before prompt n). */
  dropPrompts(n: number): void {
    this.#prompts = this.#prompts.filter((p) => p.n < n);
  }

  /** Removes the session's checkpoint folder. */
  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  #add(c: Omit<FileChange, 'seq' | 'prompt'>): void {
    this.#changes.push({ ...c, seq: ++this.#seq, prompt: this.#prompts.length });
  }

  async #restore(c: FileChange): Promise<Restored> {
    if (c.tooLarge) return { path: c.path, action: 'kept (too large to have been saved)' };
    if (c.before === null) {
      await unlink(c.path).catch(() => {});
      return { path: c.path, action: 'deleted' };
    }
    const content = await readFile(path.join(this.dir, c.before));
    await mkdir(path.dirname(c.path), { recursive: true });
    await writeFile(c.path, content);
    return { path: c.path, action: 'restored' };
  }

  /** Past the total, the oldest changes go (their blobs too, when no later change needs them). */
  async #bound(): Promise<void> {
    while (this.#total > this.#maxTotal && this.#changes.length > 1) {
      const old = this.#changes.shift()!;
      if (!old.before || this.#changes.some((c) => c.before === old.before)) continue;
      this.#total -= this.#blobBytes.get(old.before) ?? 0;
      this.#blobBytes.delete(old.before);
      await rm(path.join(this.dir, old.before), { force: true });
    }
  }
}
