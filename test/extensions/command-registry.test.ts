// The command registry other extensions add to (MCP prompts): first owner keeps a name, replace takes it over.
import { describe, expect, it } from 'vitest';
import { CommandRegistry, type SlashCommand } from '../../src/extensions/index.js';

const command = (name: string, source: string): SlashCommand => ({
  name, description: `${name} from ${source}`, source,
  expand: async (args) => ({ content: [{ type: 'text', text: `${source}: ${args}` }], notes: [] }),
});

describe('CommandRegistry', () => {
  it('keeps the first owner of a name, lets replace take it over, lists sorted, and tells listeners', async () => {
    const registry = new CommandRegistry();
    let changes = 0;
    const off = registry.onChange(() => changes++);
    expect(registry.add(command('zeta', 'project'))).toBe(true);
    expect(registry.add(command('/alpha', 'project'))).toBe(true);
    expect(registry.add(command('/alpha', 'user'))).toBe(false);
    expect(registry.get('/alpha')!.source).toBe('project');
    expect(registry.add(command('alpha', 'mcp docs'), { replace: true })).toBe(true);
    expect(registry.list().map((c) => `${c.name} ${c.source}`)).toEqual(['/alpha mcp docs', '/zeta project']);
    const prompt = await registry.get('/alpha')!.expand('x', { workspaceRoot: '/', runTool: async () => ({ content: '' }) });
    expect(prompt.content).toEqual([{ type: 'text', text: 'mcp docs: x' }]);
    expect(registry.remove('/zeta')).toBe(true);
    expect(changes).toBe(4);
    off();
    registry.remove('alpha');
    expect(changes).toBe(4);
  });
});
