// A key a command prints never reaches the task's log: hidden on the way in, also when it arrives split
// across two reads, whether the supervisor writes the log or tandem does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StreamRedactor } from '../../src/tasks/stream-redactor.js';
import { makeManager } from './helpers.js';

const SECRET = 'sk-ant-api03-SECRETVALUE123';

describe('task logs hide known secrets', () => {
  for (const supervisor of [true, false]) {
    it(`${supervisor ? 'supervised' : 'spawned by tandem'}: whole, split across reads, and a harmless prefix at the end`, async () => {
      const m = makeManager({ supervisor, secrets: [SECRET, 'short'] });
      const snap = m.start({
        command: `printf 'whole ${SECRET}\\n'; printf 'split sk-ant-api'; sleep 0.3; printf '03-SECRETVALUE123 done\\n'; printf 'end sk-ant-api03-SEC'`,
      });
      await m.wait([snap.id], 'all', 20_000);
      const log = readFileSync(snap.logPath, 'utf8');
      expect(log).not.toContain(SECRET);
      expect(log).toBe('whole [REDACTED]\nsplit [REDACTED] done\nend sk-ant-api03-SEC');
      expect(m.readNew(snap.id)).toContain('split [REDACTED] done');
    });
  }

  it('holds back only what could begin a secret', () => {
    const r = new StreamRedactor([SECRET]);
    expect(r.push(Buffer.from('abc sk-ant')).toString()).toBe('abc ');
    expect(r.push(Buffer.from('-api03-SECRETVALUE123!')).toString()).toBe('[REDACTED]!');
    expect(r.push(Buffer.from('plain')).toString()).toBe('plain');
    expect(r.flush().toString()).toBe('');
    expect(new StreamRedactor(['short']).active).toBe(false);
  });
});
