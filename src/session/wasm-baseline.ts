// Node's fetch (undici) parses HTTP with llhttp compiled to WebAssembly. After a few responses V8 recompiles its
// hot functions with TurboFan on a background thread, and that compilation mallocs ~20 MB at once (glibc arena of
// a V8 worker thread): in the 20-step print bench, tandem's peak RSS went from ~75 to ~98 MB for it. The baseline
// compiler's (Liftoff) code parsed no slower in the bench or in 300 local streamed replies, and parsing is a small
// part of a reply's time anyway, so WebAssembly stays on it.
import v8 from 'node:v8';

let done = false;

/**
 * Loads undici, then keeps WebAssembly on its baseline compiler. Call it right before the first model request
 * (undici loads then anyway). The order matters: changing any V8 flag makes the code cache of node's built-in
 * modules unusable for those compiled afterwards, and undici alone would then take ~25 ms longer to load.
 */
export function keepWasmOnBaselineCompiler(): void {
  if (done) return;
  done = true;
  // Reading a fetch global loads undici, which starts compiling llhttp; the flag still applies to its tier-up.
  if (typeof globalThis.Headers !== 'function') return;
  v8.setFlagsFromString('--liftoff-only');
}
