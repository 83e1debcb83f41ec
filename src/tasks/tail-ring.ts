// The latest N bytes of a stream in one circular buffer that grows on demand up to N, so a task that prints
// ten lines holds ten lines, and one that prints ten gigabytes holds N bytes.

export class TailRing {
  private buf = Buffer.alloc(0);
  /** Index of the oldest byte. */
  private head = 0;
  length = 0;

  constructor(readonly capacity: number) {}

  push(chunk: Buffer): void {
    if (chunk.length >= this.capacity) {
      this.ensure(this.capacity);
      chunk.copy(this.buf, 0, chunk.length - this.capacity);
      this.head = 0;
      this.length = this.capacity;
      return;
    }
    if (this.length + chunk.length > this.buf.length && this.buf.length < this.capacity) {
      this.ensure(Math.min(this.capacity, Math.max(1024, 2 ** Math.ceil(Math.log2(this.length + chunk.length)))));
    }
    const size = this.buf.length;
    let tail = (this.head + this.length) % size;
    let src = 0;
    while (src < chunk.length) {
      const n = Math.min(chunk.length - src, size - tail);
      chunk.copy(this.buf, tail, src, src + n);
      src += n;
      tail = (tail + n) % size;
    }
    const overflow = this.length + chunk.length - size;
    if (overflow > 0) {
      this.head = (this.head + overflow) % size;
      this.length = size;
    } else {
      this.length += chunk.length;
    }
  }

  /** Bytes [from, to) counted from the oldest byte held, as a new Buffer. */
  slice(from: number, to: number): Buffer {
    from = Math.max(0, from);
    to = Math.min(this.length, to);
    if (from >= to) return Buffer.alloc(0);
    const out = Buffer.allocUnsafe(to - from);
    const size = this.buf.length;
    let pos = (this.head + from) % size;
    let dst = 0;
    while (dst < out.length) {
      const n = Math.min(out.length - dst, size - pos);
      this.buf.copy(out, dst, pos, pos + n);
      dst += n;
      pos = (pos + n) % size;
    }
    return out;
  }

  /** Grows (never shrinks) to `size`, keeping the content in order from index 0. */
  private ensure(size: number): void {
    if (this.buf.length >= size) return;
    const next = Buffer.allocUnsafe(size);
    const kept = this.slice(0, this.length);
    kept.copy(next, 0);
    this.buf = next;
    this.head = 0;
  }
}
