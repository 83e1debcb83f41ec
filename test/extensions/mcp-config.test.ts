// MCP configuration and naming without servers: ${VAR} expansion, entries that cannot be used, tool names, and
// how permission rules match MCP tools.
import { afterEach, describe, expect, it } from 'vitest';
import { expandVars, parseServer } from '../../src/extensions/mcp/config.js';
import { mcpToolName } from '../../src/extensions/mcp/tools.js';
import { makePolicy, type PolicyFixture } from '../workspace/permissions/policy-fixture.js';

describe('${VAR} expansion', () => {
  it('expands set variables and defaults, and names an unset variable without one', () => {
    const env = { TOKEN: 'abc', EMPTY: '' };
    expect(expandVars('Bearer ${TOKEN}', env)).toBe('Bearer abc');
    expect(expandVars('${MISSING:-http://localhost:3000}/mcp', env)).toBe('http://localhost:3000/mcp');
    expect(expandVars('${EMPTY:-fallback}', env)).toBe('fallback');
    expect(expandVars('$TOKEN stays, ${TOKEN} goes', env)).toBe('$TOKEN stays, abc goes');
    expect(() => expandVars('${MISSING}', env, 'headers.Authorization')).toThrow('"headers.Authorization" uses ${MISSING}, which is not set');
  });
});

describe('server entries', () => {
  const parse = (raw: unknown, name = 'srv') => parseServer(name, raw, 'user', 'settings.json', { HOME: '/home/me' });
  it('reads stdio, http and sse entries in Claude Code\'s format, type inferred', () => {
    expect(parse({ command: 'npx', args: ['-y', 'pkg', '${HOME}/x'], env: { A: '1' } })).toMatchObject({ type: 'stdio', command: 'npx', args: ['-y', 'pkg', '/home/me/x'], env: { A: '1' } });
    expect(parse({ url: 'https://example.com/mcp' })).toMatchObject({ type: 'http', url: 'https://example.com/mcp', headers: {} });
    expect(parse({ type: 'sse', url: 'http://x/sse', headers: { H: 'v' } })).toMatchObject({ type: 'sse', headers: { H: 'v' } });
    expect(parse({ type: 'streamable-http', url: 'http://x/mcp' })).toMatchObject({ type: 'http' });
  });
  it('says what is wrong with an entry that cannot be used', () => {
    expect(parse({ args: [] })).toMatchObject({ error: 'a stdio server needs "command"' });
    expect(parse({ type: 'http' })).toMatchObject({ error: 'a http server needs "url"' });
    expect(parse({ type: 'http', url: 'not a url' })).toMatchObject({ error: '"url" is not a URL: not a url' });
    expect(parse({ type: 'ftp', url: 'x' })).toMatchObject({ error: 'unknown "type": "ftp" (use "stdio", "http" or "sse")' });
    expect(parse({ command: 'x', args: 'one' })).toMatchObject({ error: '"args" must be an array of strings' });
    expect(parse({ command: 'x' }, 'my server')).toMatchObject({ error: expect.stringContaining('may hold only letters') });
  });
});

describe('tool names', () => {
  it('are mcp__SERVER__TOOL, with characters APIs refuse replaced and long names cut to 64 with a hash', () => {
    expect(mcpToolName('github', 'create_issue')).toBe('mcp__github__create_issue');
    expect(mcpToolName('x', 'a.b c')).toBe('mcp__x__a_b_c');
    const long = mcpToolName('server', 'a'.repeat(100));
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^mcp__server__a+_[0-9a-f]{8}$/);
    expect(mcpToolName('server', 'a'.repeat(99) + 'b')).not.toBe(long);
  });
});

describe('permission rules for MCP tools', () => {
  let f: PolicyFixture | undefined;
  afterEach(async () => { await f?.cleanup(); f = undefined; });
  const check = (tool: string) => f!.policy.check({ kind: 'tool', tool });

  it('a server rule covers its tools, a tool rule one tool; deny beats allow', async () => {
    f = await makePolicy({ allow: ['mcp__github', 'mcp__fs__read_file'], deny: ['mcp__github__delete_repo'] });
    expect((await check('mcp__github__create_issue')).decision).toBe('allow');
    expect((await check('mcp__github__delete_repo')).decision).toBe('deny');
    expect((await check('mcp__fs__read_file')).decision).toBe('allow');
    expect(await check('mcp__fs__write_file')).toMatchObject({ decision: 'ask', suggestion: 'mcp__fs__write_file' });
    // A server name that is a prefix of another's is not that server.
    expect((await check('mcp__github2__x')).decision).toBe('ask');
  });

  it('mcp__SERVER__* works as the server rule; print mode denies with the flag that would allow', async () => {
    f = await makePolicy({ allow: ['mcp__fs__*'], nonInteractive: true });
    expect((await check('mcp__fs__anything')).decision).toBe('allow');
    const denied = await check('mcp__web__fetch');
    expect(denied.decision).toBe('deny');
    expect(denied.reason).toContain("--allow 'mcp__web__fetch'");
  });

  it('follows the mode: plan denies, bypassPermissions allows', async () => {
    f = await makePolicy({ mode: 'plan' });
    expect((await check('mcp__a__b')).decision).toBe('deny');
    await f.cleanup();
    f = await makePolicy({ mode: 'bypassPermissions' });
    expect((await check('mcp__a__b')).decision).toBe('allow');
  });
});
