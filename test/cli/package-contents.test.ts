// What `npm pack` ships is what a user needs: the bundled binary, its chunks, the library and its types, the
// README; no sources, tests or source maps.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm pack', () => {
  it('ships the binary, library, types and README, and nothing else', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    const [pack] = JSON.parse(out) as [{ files: { path: string }[]; unpackedSize: number }];
    const files = pack.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/tandem.js', 'dist/index.js', 'dist/types/index.d.ts']));
    expect(files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/(tandem\.js|index\.js|chunks\/[\w.-]+\.js|types\/.+\.d\.ts))$/.test(f))).toEqual([]);
    expect(files.some((f) => f.endsWith('.map'))).toBe(false);
    const pkg = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: root, encoding: 'utf8' })) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ tandem: 'dist/tandem.js' });
  });
});
