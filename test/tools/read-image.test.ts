import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImageBlock, TextBlock } from '../../src/core/types.js';
import { createReadFileTool } from '../../src/tools/read-file.js';
import { makeFixture, run, type Fixture } from './fs-fixture.js';

let f: Fixture;
beforeEach(async () => { f = await makeFixture(); });
afterEach(() => f.cleanup());

const picture = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } });

describe('read_file on images', () => {
  it.each([
    ['small.png', () => picture(40, 30).png().toBuffer(), 'image/png', 'PNG, 40×30'],
    ['small.jpg', () => picture(40, 30).jpeg().toBuffer(), 'image/jpeg', 'JPEG, 40×30'],
    ['small.gif', () => picture(40, 30).gif().toBuffer(), 'image/gif', 'GIF, 40×30'],
    ['small.webp', () => picture(40, 30).webp().toBuffer(), 'image/webp', 'WEBP, 40×30'],
  ])('returns %s as an image block with a line saying what it is', async (name, make, type, described) => {
    const data = await make();
    await writeFile(f.at(name), data);
    const r = await run(createReadFileTool(f.ws), { path: name });
    expect(r.isError).toBeFalsy();
    const [text, image] = r.content as [TextBlock, ImageBlock];
    expect(text.text).toMatch(new RegExp(`^Image ${name.replace('.', '\\.')} \\(${described}, `));
    expect(image).toEqual({ type: 'image', source: { type: 'base64', media_type: type, data: data.toString('base64') } });
    expect(r.details).toMatchObject({ kind: 'image', mediaType: type, width: 40, height: 30 });
  });

  it('shrinks a large image to a 1568 px long edge', async () => {
    await writeFile(f.at('shot.png'), await picture(3000, 2000).png().toBuffer());
    const r = await run(createReadFileTool(f.ws), { path: 'shot.png' });
    const [text, image] = r.content as [TextBlock, ImageBlock];
    expect(text.text).toMatch(/^Image shot\.png \(PNG, 3000×2000, .*; sent resized to 1568×1045 \(/);
    const meta = await sharp(Buffer.from(image.source.data, 'base64')).metadata();
    expect([meta.width, meta.height, image.source.media_type]).toEqual([1568, 1045, 'image/png']);
    expect(r.details).toMatchObject({ resized: { width: 1568, height: 1045 } });
  });

  it('says so when the model does not take images; a misnamed or broken image is handled', async () => {
    await writeFile(f.at('a.png'), await picture(10, 10).png().toBuffer());
    const textOnly = await run(createReadFileTool(f.ws, {}, { takesImages: () => false }), { path: 'a.png' });
    expect(textOnly).toMatchObject({ isError: true, content: 'a.png is an image (image/png), and the current model does not take images, so it cannot be shown.' });
    await writeFile(f.at('fake.png'), 'just text\n');
    expect((await run(createReadFileTool(f.ws), { path: 'fake.png' })).content).toBe('     1\tjust text');
    await writeFile(f.at('broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
    const broken = await run(createReadFileTool(f.ws), { path: 'broken.png' });
    expect(broken.isError).toBe(true);
    expect(broken.content).toMatch(/^broken\.png looks like image\/png but cannot be decoded/);
  });
});
