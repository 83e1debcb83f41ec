// Hides known secrets (API keys) in a byte stream on its way into a task's log. A key a command prints may
// arrive split across two reads, so the longest tail that could begin a secret is held back until the next
// chunk (or the end) shows whether it does. The supervisor applies the same rule in Perl (supervisor-script.ts).

export const REDACTED = Buffer.from('[REDACTED]');
/** Shorter values are not hidden: they would match ordinary output (as MIN_SECRET_LENGTH in workspace/secrets). */
export const MIN_STREAM_SECRET = 8;

export class StreamRedactor {
  private readonly secrets: Buffer[];
  private held = Buffer.alloc(0);

  constructor(secrets: readonly string[]) {
    this.secrets = [...new Set(secrets.map((s) => s.trim()))]
      .filter((s) => s.length >= MIN_STREAM_SECRET)
      .sort((a, b) => b.length - a.length)
      .map((s) => Buffer.from(s));
  }

  get active(): boolean {
    return this.secrets.length > 0;
  }

  /** The bytes that can be written now; a possible start of a secret at the end waits for the next push. */
  push(chunk: Buffer): Buffer {
    if (!this.secrets.length) return chunk;
    let data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    for (const secret of this.secrets) data = replaceAll(data, secret);
    const hold = this.heldTail(data);
    this.held = Buffer.from(data.subarray(data.length - hold));
    return data.subarray(0, data.length - hold);
  }

  /** What is held back, at the end of the stream. */
  flush(): Buffer {
    const out = this.held;
    this.held = Buffer.alloc(0);
    return out;
  }

  /** Length of the longest proper suffix of `data` that some secret starts with. */
  private heldTail(data: Buffer): number {
    const longest = this.secrets[0]!.length - 1;
    for (let n = Math.min(longest, data.length); n > 0; n--) {
      const tail = data.subarray(data.length - n);
      if (this.secrets.some((s) => s.length > n && s.subarray(0, n).equals(tail))) return n;
    }
    return 0;
  }
}

function replaceAll(data: Buffer, secret: Buffer): Buffer {
  let at = data.indexOf(secret);
  if (at < 0) return data;
  const parts: Buffer[] = [];
  let from = 0;
  while (at >= 0) {
    parts.push(data.subarray(from, at), REDACTED);
    from = at + secret.length;
    at = data.indexOf(secret, from);
  }
  parts.push(data.subarray(from));
  return Buffer.concat(parts);
}
