// The slash commands that are not built in: custom command files, and whatever else registers one (MCP
// prompts). Front ends list them in /help and completion and run them through the same expansion.
import type { ContentBlock, ToolResult } from '../../core/types.js';

/** What a slash command turns into: the prompt the model gets, and lines for the person. */
export interface CommandPrompt {
  content: ContentBlock[];
  /** What happened while expanding ("ran `git status`", "attached src/a.ts"), shown to the person. */
  notes: string[];
}

/** How an expansion reaches the world: tool calls under the session's permission rules. */
export interface ExpandContext {
  workspaceRoot: string;
  signal?: AbortSignal;
  /** Runs one of the session's tools (`bash`, `read_file`) as the model would, permission rules applied. */
  runTool(name: string, input: Record<string, unknown>): Promise<ToolResult>;
}

/** A slash command. Contract: `expand` rejects only with an Error whose message is fit to show the person. */
export interface SlashCommand {
  /** With the leading slash: `/review`, `/frontend:lint`, `/mcp__github__pr`. */
  name: string;
  description: string;
  /** Shown after the name in /help and completion, e.g. `[file] [focus]`. */
  argumentHint?: string;
  /** Where it comes from, for /help: `project .claude/commands/review.md`, `mcp github`. */
  source: string;
  /** Permission rules allowed while the command expands and during the turn it starts (`Bash(git diff:*)`). */
  allowedTools?: string[];
  /** A model for the turn the command starts (then the session's model again). */
  model?: string;
  expand(args: string, ctx: ExpandContext): Promise<CommandPrompt>;
}

export class CommandRegistry {
  readonly #commands = new Map<string, SlashCommand>();
  readonly #listeners = new Set<() => void>();

  /**
   * Adds a command; a name already taken keeps its first owner (returns false), so project files win over
   * user files and both over later registrations. `replace` takes the name over (an MCP server reconnecting).
   */
  add(command: SlashCommand, opts: { replace?: boolean } = {}): boolean {
    const name = command.name.startsWith('/') ? command.name : `/${command.name}`;
    if (this.#commands.has(name) && !opts.replace) return false;
    this.#commands.set(name, { ...command, name });
    this.#changed();
    return true;
  }

  remove(name: string): boolean {
    const removed = this.#commands.delete(name.startsWith('/') ? name : `/${name}`);
    if (removed) this.#changed();
    return removed;
  }

  get(name: string): SlashCommand | undefined {
    return this.#commands.get(name);
  }

  /** Sorted by name. */
  list(): SlashCommand[] {
    return [...this.#commands.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Called after every add or remove (front ends that announce commands, as ACP does). Returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }
}
