// What goes with a print-mode prompt: text piped on stdin (whole when small, its ends plus a saved file when
// large) and images the prompt names by path.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { collect, runTandem, TANDEM_BIN, testEnv } from '../support/cli.js';
import { reply } from '../support/model-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();

/** Runs `COMMAND | tandem ARGS` through a shell, as a person types it. */
function piped(command: string, args: string[], env: Record<string, string | undefined>) {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('sh', ['-c', `${command} | "${process.execPath}" "${TANDEM_BIN}" ${quoted}`], {
    cwd: t.cwd, env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
  });
  return collect(child);
}

const firstUserContent = () => (t.server.requests[0]!.body.messages[0] as { content: unknown }).content as { type: string; text?: string; source?: { media_type: string } }[];

describe('tandem -p with piped stdin and images', () => {
  it('sends piped text with the prompt', async () => {
    writeFileSync(path.join(t.cwd, 'build.log'), 'compiling\nERROR: missing semicolon at a.ts:3\n');
    t.server.enqueue(reply().text('A semicolon is missing.'));
    const run = await piped('cat build.log', ['-p', 'why does this fail?'], testEnv(t.server.url));
    expect(run.code).toBe(0);
    expect(firstUserContent()[0]!.text).toBe('why does this fail?\n\n<stdin>\ncompiling\nERROR: missing semicolon at a.ts:3\n</stdin>');
  });

  it('sends the ends of a large input and saves it whole where the model can read it', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `log line ${i + 1}`).join('\n');
    writeFileSync(path.join(t.cwd, 'big.log'), `${lines}\n`);
    t.server.enqueue(reply().text('Long log.'));
    const run = await piped('cat big.log', ['-p', 'summarise'], testEnv(t.server.url));
    expect(run.code).toBe(0);
    const text = firstUserContent()[0]!.text!;
    expect(text.length).toBeLessThan(52_000);
    expect(text).toContain('log line 1\n');
    expect(text).toContain('log line 20000\n</stdin>');
    const saved = /<stdin saved="([^"]+)" chars="\d+" lines="20000">/.exec(text)![1]!;
    expect(readFileSync(saved, 'utf8')).toBe(`${lines}\n`);
    expect(run.stderr).toContain(`the whole text is in ${saved}`);
  });

  it('a prompt given with stdin left open and silent (a spawning program) does not wait for it', async () => {
    t.server.enqueue(reply().text('Hi.'));
    const run = await runTandem(['-p', 'hello'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(firstUserContent()).toMatchObject([{ type: 'text', text: 'hello' }]);
    expect(firstUserContent()).toHaveLength(1);
  });

  it('attaches images the prompt names by path', async () => {
    const png = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#08f' } }).png().toBuffer();
    writeFileSync(path.join(t.cwd, 'my shot.png'), png);
    t.server.enqueue(reply().text('A blue rectangle.'));
    const run = await runTandem(['-p', 'what is in "my shot.png"?', '--model', 'claude-sonnet-4-6'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    const content = firstUserContent();
    expect(content.map((b) => b.type)).toEqual(['text', 'text', 'image']);
    expect(content[1]!.text).toMatch(/^\[Image my shot\.png \(PNG, 20×10, /);
    expect(content[2]!.source!.media_type).toBe('image/png');
    expect(run.stderr).toMatch(/tandem: attached my shot\.png/);
  });
});
