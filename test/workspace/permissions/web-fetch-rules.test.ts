import { afterEach, describe, expect, it } from 'vitest';
import { parseRule, RuleSyntaxError } from '../../../src/workspace/permissions/rules.js';
import { makePolicy, type PolicyFixture } from './policy-fixture.js';

let f: PolicyFixture | undefined;
afterEach(async () => { await f?.cleanup(); f = undefined; });

const fetchOf = (host: string) => ({ kind: 'fetch' as const, url: `https://${host}/x`, host });

describe('WebFetch(domain:...) rules', () => {
  it('parse a host or *.host and refuse anything else', () => {
    expect(parseRule('WebFetch(domain:Example.com)')).toMatchObject({ tool: 'WebFetch', domain: 'example.com' });
    expect(parseRule('WebFetch(domain:*.example.com)')).toMatchObject({ domain: '*.example.com' });
    expect(parseRule('WebFetch')).toEqual({ text: 'WebFetch', tool: 'WebFetch' });
    expect(() => parseRule('WebFetch(example.com)')).toThrow(RuleSyntaxError);
    expect(() => parseRule('WebFetch(domain:a b)')).toThrow(/WebFetch\(domain:example.com\)/);
  });

  it('ask by default with a rule to suggest; allow, deny and subdomains by rule', async () => {
    f = await makePolicy({ allow: ['WebFetch(domain:docs.rs)', 'WebFetch(domain:*.github.io)'], deny: ['WebFetch(domain:evil.test)'] });
    const asked = await f.policy.check(fetchOf('example.com'));
    expect(asked).toMatchObject({ decision: 'ask', suggestion: 'WebFetch(domain:example.com)' });
    expect((await f.policy.check(fetchOf('docs.rs'))).decision).toBe('allow');
    expect((await f.policy.check(fetchOf('sub.docs.rs'))).decision).toBe('ask');
    expect((await f.policy.check(fetchOf('me.github.io'))).decision).toBe('allow');
    expect((await f.policy.check(fetchOf('github.io'))).decision).toBe('ask');
    expect((await f.policy.check(fetchOf('evil.test'))).decision).toBe('deny');
  });

  it('in print mode a fetch nobody approves is denied with the flag that allows it', async () => {
    f = await makePolicy({ nonInteractive: true });
    const d = await f.policy.check(fetchOf('example.com'));
    expect(d.decision).toBe('deny');
    expect(d.reason).toContain("--allow 'WebFetch(domain:example.com)'");
  });
});
