// The quick slice of the fuzz battery (the full run: `npm run fuzz`): seeded, so a failure names its seed.
import { describe, expect, it } from 'vitest';
import { useScriptedServer } from '../support/scripted-server.js';
import { runFuzz } from './tool-input-fuzz.js';

const t = useScriptedServer();
const SEED = Number(process.env.TANDEM_FUZZ_SEED ?? 1337);

describe('malformed tool calls (fuzz, quick slice)', () => {
  it(`seed ${SEED}: every call gets a result the model can act on, in valid requests`, async () => {
    const outcome = await runFuzz(t.server, SEED, 12, 25);
    expect(outcome.failures).toEqual([]);
    expect(outcome.calls).toBeGreaterThan(100);
    expect(outcome.errors).toBeGreaterThan(outcome.calls / 2); // nearly all are invalid, and said so
  }, 120_000);
});
