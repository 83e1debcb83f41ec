// The output log of a task whose bytes the supervisor writes (see supervisor-script.ts): tandem holds none of
// them, only how many there are. Ranges are read back from the file; past the cap (or a disk failure) the
// latest bytes come from the ring file `<log>.tail`, where byte N lives at (N - cut) mod ring size.
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFully, type OutputLog, type RangePart } from './output-log.js';
import { TAIL_RING_BYTES } from './supervisor-script.js';

/** Either kind of log, as readers see it. */
export type TaskLog = OutputLog | ExternalLog;

export class ExternalLog {
  totalBytes = 0;
  cutAt: number | undefined;
  writeError: string | undefined;
  onDrain: (() => void) | undefined;

  constructor(readonly path: string, readonly maxBytes: number) {}

  get diskBytes(): number {
    return this.cutAt ?? this.totalBytes;
  }

  /** The supervisor reports this many bytes written so far. */
  advance(total: number): void {
    if (!(total > this.totalBytes)) return;
    this.totalBytes = total;
    if (this.cutAt === undefined && total > this.maxBytes) this.cutAt = this.maxBytes;
  }

  failed(at: number, message: string): void {
    this.writeError = message;
    this.cutAt = Math.min(this.cutAt ?? at, at);
  }

  /** Only for tandem's own lines when no supervisor writes (a task that failed to start). */
  append(chunk: Buffer): boolean {
    try {
      const fd = openSync(this.path, 'a');
      writeSync(fd, chunk);
      closeSync(fd);
      this.totalBytes += chunk.length;
    } catch {
      // the report still says why it failed
    }
    return true;
  }

  readRange(start: number, end: number): RangePart[] {
    end = Math.min(end, this.totalBytes);
    const parts: RangePart[] = [];
    if (start >= end) return parts;
    const disk = this.diskBytes;
    if (start < Math.min(end, disk)) readInto(this.path, start, Math.min(end, disk), parts);
    const beyond = Math.max(start, disk);
    if (beyond < end) {
      const ringStart = Math.max(disk, this.totalBytes - TAIL_RING_BYTES);
      if (beyond < ringStart) parts.push({ missing: Math.min(end, ringStart) - beyond, why: this.lossReason() });
      const from = Math.max(beyond, ringStart);
      if (from < end) {
        const pos = (from - disk) % TAIL_RING_BYTES;
        const first = Math.min(end - from, TAIL_RING_BYTES - pos);
        readInto(`${this.path}.tail`, pos, pos + first, parts);
        if (first < end - from) readInto(`${this.path}.tail`, 0, end - from - first, parts);
      }
    }
    return parts;
  }

  latest(maxBytes: number): Buffer {
    const parts = this.readRange(Math.max(0, this.totalBytes - maxBytes), this.totalBytes);
    return Buffer.concat(parts.filter((p): p is Buffer => Buffer.isBuffer(p)));
  }

  async close(): Promise<void> {}

  flushSync(): void {}

  private lossReason(): string {
    return this.writeError ? `writing the log failed: ${this.writeError}` : 'past the log cap';
  }
}

function readInto(file: string, start: number, end: number, parts: RangePart[]): void {
  const buf = Buffer.allocUnsafe(end - start);
  let got = 0;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    got = readFully(fd, buf, start);
  } catch {
    parts.push({ missing: end - start, why: 'the log file could not be read' });
    return;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (got) parts.push(buf.subarray(0, got));
  if (got < buf.length) parts.push({ missing: buf.length - got, why: 'the log file is shorter than expected' });
}
