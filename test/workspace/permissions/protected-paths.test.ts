// The file tools and tandem's own configuration: writing .tandem/, .claude/, .mcp.json, .git/hooks or
// .git/config needs a person's approval in every mode but bypass, whatever broad allow rules say.
import { describe, expect, it } from 'vitest';
import { makePolicy } from './policy-fixture.js';

const PROTECTED = ['.tandem/settings.local.json', '.claude/settings.json', '.mcp.json', '.git/hooks/pre-commit', '.git/config'];

describe('protected paths', () => {
  it.each(['default', 'acceptEdits'] as const)('ask in %s mode, even under a bare Edit or Edit(**) allow rule', async (mode) => {
    const f = await makePolicy({ mode, allow: ['Edit', 'Edit(**)'] });
    try {
      for (const p of PROTECTED) {
        const d = await f.write(p);
        expect(d.decision, `${p}: ${d.reason}`).toBe('ask');
        expect(d.reason).toContain('always needs approval');
      }
      expect((await f.write('src/index.ts')).decision).toBe('allow');
    } finally {
      await f.cleanup();
    }
  });

  it('are denied in plan mode, allowed in bypass mode, and allowed by a rule that names them', async () => {
    const plan = await makePolicy({ mode: 'plan' });
    const bypass = await makePolicy({ mode: 'bypassPermissions' });
    const named = await makePolicy({ mode: 'acceptEdits', allow: ['Edit(.claude/**)'] });
    try {
      expect((await plan.write('.mcp.json')).decision).toBe('deny');
      expect((await bypass.write('.git/config')).decision).toBe('allow');
      expect((await named.write('.claude/settings.json')).decision).toBe('allow');
      expect((await named.write('.tandem/settings.json')).decision).toBe('ask');
    } finally {
      await Promise.all([plan.cleanup(), bypass.cleanup(), named.cleanup()]);
    }
  });

  it('print mode denies them with a hint, and deny rules still win', async () => {
    const f = await makePolicy({ mode: 'acceptEdits', nonInteractive: true, deny: ['Edit(.git/**)'] });
    try {
      expect((await f.write('.tandem/settings.local.json')).decision).toBe('deny');
      const d = await f.write('.git/hooks/pre-push');
      expect(d.decision).toBe('deny');
      expect(d.reason).toContain('Edit(.git/**)');
    } finally {
      await f.cleanup();
    }
  });
});
