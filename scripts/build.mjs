// Bundles the CLI with esbuild: one minified entry plus lazily loaded chunks (REPL, terminal UI), so
// `tandem -p` in scripts and loops starts fast.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// zod re-exports all of its ~45 message locales (`z.locales`, `z.core.locales`): 264 KB of the bundle's
// start-up code, ~6 ms to compile at every start. tandem uses none but English, which zod sets up by itself
// (classic/schemas.js imports locales/en.js directly), so the bundle keeps only that one.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    const fromZod = /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/;
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      fromZod.test(args.importer) ? { path: 'zod-locales', namespace: 'zod-english-only' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: new URL('..', import.meta.url).pathname,
    }));
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { tandem: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // The PTY addon ships native binaries; it is loaded from node_modules at run time. ink loads React devtools
  // only when DEV=true; they are not installed. sharp (image resizing) is native too, loaded on first use.
  external: ['@lydell/node-pty', 'react-devtools-core', 'sharp'],
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __tandemRequire } from 'node:module'; const require = __tandemRequire(import.meta.url);",
  },
  // React's production build for the terminal UI (and no development checks in the bundle).
  define: { TANDEM_VERSION: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
  plugins: [zodEnglishOnly],
  logLevel: 'warning',
});
chmodSync('dist/tandem.js', 0o755);

// The library (`import { createSession } from 'tandem'`): one ESM file whose dependencies stay imports, plus
// its type declarations from tsc.
await build({
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  define: { TANDEM_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
const tsc = spawnSync(process.execPath, [new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
