// Bundles the CLI with esbuild: one minified entry plus lazily loaded chunks (REPL, terminal UI), so
// `tandem -p` in scripts and loops starts fast.
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
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
  // only when DEV=true; they are not installed.
  external: ['@lydell/node-pty', 'react-devtools-core'],
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __tandemRequire } from 'node:module'; const require = __tandemRequire(import.meta.url);",
  },
  // React's production build for the terminal UI (and no development checks in the bundle).
  define: { TANDEM_VERSION: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
chmodSync('dist/tandem.js', 0o755);
