// A task's output: streamed to a log file (up to a byte cap), with only a bounded ring of the latest bytes in
// memory. Any byte range can be read back synchronously: from disk, from writes still in flight, or, past the
// cap, from the ring. Memory stays bounded however much a task prints; `append` returning false asks the
// source to pause until `onDrain` fires.
import { closeSync, openSync, readSync, writev as fsWritev, writeSync } from 'node:fs';
import { TailRing } from './tail-ring.js';

export const RING_BYTES = 64 * 1024;
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

/** A piece of a range read: bytes, or a count of bytes that were not kept anywhere. */
export type RangePart = Buffer | { missing: number; why: string };

export class OutputLog {
  /** Every byte received. */
  totalBytes = 0;
  /** Where the on-disk copy stops, once the cap is hit or the disk failed. */
  cutAt: number | undefined;
  writeError: string | undefined;
  onDrain: (() => void) | undefined;

  private fd: number | undefined;
  private readonly ring = new TailRing(RING_BYTES);
  /** Bytes queued or being written, in order, with their stream offsets. */
  private unflushed: { offset: number; buf: Buffer }[] = [];
  private unflushedBytes = 0;
  private writing = false;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(readonly path: string, readonly maxBytes: number) {
    try {
      this.fd = openSync(path, 'w+');
    } catch (err) {
      this.failDisk(err, 0);
    }
  }

  /** Bytes of output that are (or will be) in the file. */
  get diskBytes(): number {
    return this.cutAt ?? this.totalBytes;
  }

  /** Returns false when the caller should pause its source until onDrain. */
  append(chunk: Buffer): boolean {
    if (chunk.length === 0 || this.closed) return true;
    const start = this.totalBytes;
    this.totalBytes += chunk.length;
    this.ring.push(chunk);
    if (this.cutAt !== undefined || this.fd === undefined) return true;
    let keep = chunk;
    if (this.totalBytes > this.maxBytes) {
      keep = chunk.subarray(0, this.maxBytes - start);
      this.cutAt = this.maxBytes;
    }
    if (keep.length) this.enqueue(start, keep);
    if (this.cutAt !== undefined) {
      this.enqueue(-1, Buffer.from(`\n[tandem: log cut at ${this.maxBytes} bytes; later output is not kept on disk, `
        + 'the latest is shown in reports]\n'));
    }
    this.pump();
    return this.unflushedBytes < HIGH_WATER;
  }

  /** Reads stream bytes [start, end) as parts; synchronous and bounded by the caller's range. */
  readRange(start: number, end: number): RangePart[] {
    end = Math.min(end, this.totalBytes);
    const parts: RangePart[] = [];
    if (start >= end) return parts;
    const disk = this.diskBytes;
    const flushed = this.unflushed.find((u) => u.offset >= 0)?.offset ?? disk;
    // 1. On disk.
    const diskEnd = Math.min(end, flushed);
    if (start < diskEnd) this.readFile(start, diskEnd, parts);
    // 2. Queued or in flight.
    for (const u of this.unflushed) {
      if (u.offset < 0) continue;
      const from = Math.max(start, u.offset);
      const to = Math.min(end, u.offset + u.buf.length);
      if (from < to) parts.push(u.buf.subarray(from - u.offset, to - u.offset));
    }
    // 3. Past the cap: only the ring has it, and only the latest bytes.
    const beyond = Math.max(start, disk);
    if (beyond < end) {
      const ringStart = this.totalBytes - this.ring.length;
      if (beyond < ringStart) parts.push({ missing: Math.min(end, ringStart) - beyond, why: this.lossReason() });
      const from = Math.max(beyond, ringStart);
      if (from < end) parts.push(this.ring.slice(from - ringStart, end - ringStart));
    }
    return parts;
  }

  /** The latest bytes (up to the ring size), from memory. */
  latest(maxBytes: number): Buffer {
    const n = Math.min(maxBytes, this.ring.length);
    return this.ring.slice(this.ring.length - n, this.ring.length);
  }

  /** Waits for pending writes, then closes the file. Further appends are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.writing || this.unflushed.length) await new Promise<void>((resolve) => this.idle.push(resolve));
    this.closed = true;
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = undefined;
    }
  }

  /** Synchronously writes whatever is pending (for process exit). */
  flushSync(): void {
    if (this.fd === undefined || this.writing) return;
    for (const u of this.unflushed) {
      try {
        writeSync(this.fd, u.buf, 0, u.buf.length, u.offset < 0 ? this.cutAt ?? null : u.offset);
      } catch {
        break;
      }
    }
    this.unflushed = [];
    this.unflushedBytes = 0;
  }

  private enqueue(offset: number, buf: Buffer): void {
    this.unflushed.push({ offset, buf });
    this.unflushedBytes += buf.length;
  }

  private pump(): void {
    if (this.writing || this.fd === undefined) return;
    const batch = this.unflushed[0];
    if (!batch) {
      for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    this.writing = true;
    // The cut line has no stream offset: it goes right after the kept bytes.
    const position = batch.offset < 0 ? this.cutAt! : batch.offset;
    const pieces: Buffer[] = [batch.buf];
    let length = batch.buf.length;
    for (let i = 1; i < this.unflushed.length && length < HIGH_WATER && pieces.length < 1024; i++) {
      const next = this.unflushed[i];
      if (next.offset !== position + length) break;
      pieces.push(next.buf);
      length += next.buf.length;
    }
    // writev: the queued chunks go out as they are, without a copy into one big buffer.
    fsWritev(this.fd, pieces, position, (err, written) => {
      this.writing = false;
      this.unflushed.splice(0, pieces.length);
      this.unflushedBytes -= length;
      if (err) this.failDisk(err, position);
      else if (written < length) this.failDisk(new Error(`short write (${written} of ${length} bytes)`), position + written);
      if (this.unflushedBytes < LOW_WATER) this.onDrain?.();
      this.pump();
    });
  }

  private lossReason(): string {
    return this.writeError ? `writing the log failed: ${this.writeError}` : 'past the log cap';
  }

  private failDisk(err: unknown, at: number): void {
    this.writeError = err instanceof Error ? err.message : String(err);
    this.cutAt = Math.min(this.cutAt ?? at, at);
    this.unflushed = [];
    this.unflushedBytes = 0;
  }

  /** Reads [start, end) from the file (reopened after close); if that fails, the bytes count as missing. */
  private readFile(start: number, end: number, parts: RangePart[]): void {
    let fd = this.fd;
    const reopened = fd === undefined;
    const buf = Buffer.allocUnsafe(end - start);
    let got = 0;
    try {
      fd ??= openSync(this.path, 'r');
      got = readFully(fd, buf, start);
    } catch {
      parts.push({ missing: end - start, why: 'the log file could not be read' });
      return;
    } finally {
      if (reopened && fd !== undefined) closeSync(fd);
    }
    if (got) parts.push(buf.subarray(0, got));
    if (got < buf.length) parts.push({ missing: buf.length - got, why: 'the log file is shorter than expected' });
  }
}

/** Reads into all of `buf` from `position` on, or up to the end of the file; returns the bytes read. */
export function readFully(fd: number, buf: Buffer, position: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}
