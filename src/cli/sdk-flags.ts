// The flags Claude Code's users and the Claude Agent SDK pass (`--allowedTools`, `--verbose`, `--session-id`,
// `--input-format stream-json`, ...), read into tandem's configuration. Tool names in them may be Claude Code's
// (Bash, Read, Edit, Write) or tandem's.
import { InvalidArgumentError, Option } from 'commander';
import type { AgentTool } from '../core/types.js';
import { ruleWithClaudeName, tandemToolsFor } from '../tools/claude-names.js';
import { ConfigError, type Config } from './config.js';

/** The Claude Code version whose headless protocol tandem speaks (SDK programs check for >= 2.0.0). */
export const SDK_PROTOCOL_VERSION = '2.1.0';

export interface SdkFlags {
  verbose?: boolean;
  debug?: string | boolean;
  inputFormat?: 'text' | 'stream-json';
  includePartialMessages?: boolean;
  permissionPromptTool?: string;
  allowedTools?: string[];
  disallowedTools?: string[];
  tools?: string[];
  fallbackModel?: string;
  sessionId?: string;
  forkSession?: boolean;
  maxBudgetUsd?: number;
  resume?: string | boolean;
  continue?: boolean;
  mcpConfig?: string[];
  strictMcpConfig?: boolean;
}

export interface SdkSetup {
  /** Prompts and control requests come as JSON lines on stdin. */
  streamInput: boolean;
  /** Output in Claude Code's message shapes (stream-json with --verbose, or stream input). */
  claudeMessages: boolean;
  includePartialMessages: boolean;
  permissionPromptStdio: boolean;
  sessionId?: string;
  forkSession: boolean;
  selectTools?: (tools: AgentTool[]) => AgentTool[];
}

const collectList = (value: string, previous: string[] = []) => [...previous, ...splitToolList(value)];

function dollars(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected an amount in dollars above 0, e.g. 0.50');
  return n;
}

export function sdkFlagOptions(): Option[] {
  return [
    new Option('--verbose', 'with --output-format stream-json: Claude Code\'s message shapes, as the Claude Agent SDK reads them'),
    new Option('--debug [filter]', 'accepted for Claude Code compatibility; tandem logs its notable steps on stderr anyway'),
    new Option('--input-format <format>', 'stream-json: prompts and control requests as JSON lines on stdin (the SDK protocol)').choices(['text', 'stream-json']),
    new Option('--include-partial-messages', 'stream-json: also print stream_event messages as the answer streams'),
    new Option('--permission-prompt-tool <tool>', '"stdio": ask permission questions over the stream-json control protocol'),
    new Option('--allowedTools <tools>', 'allow rules, comma- or space-separated: "Bash(git diff:*) Read" (repeatable)').argParser(collectList),
    new Option('--disallowedTools <tools>', 'deny rules, comma- or space-separated (repeatable)').argParser(collectList),
    new Option('--tools <tools>', 'the built-in tools the model gets: "Bash,Read,Edit,Write", tandem names, "default" or ""').argParser(collectList),
    new Option('--fallback-model <name>', 'model used when the main one is overloaded or unavailable'),
    new Option('--session-id <uuid>', 'the id of the new session (a UUID)'),
    new Option('--fork-session', 'with --resume or --continue: continue in a new session, leaving the old one as it was'),
    new Option('--mcp-config <file-or-json>', 'MCP servers from a file or JSON text ({"mcpServers": {...}}, as .mcp.json) (repeatable)')
      .argParser((value: string, previous: string[] = []) => [...previous, value]),
    new Option('--strict-mcp-config', 'use only the MCP servers of --mcp-config, none from settings or .mcp.json'),
    new Option('--max-budget-usd <dollars>', 'stop a run once it has spent this much').argParser(dollars),
    // Claude Code wants it before bypassPermissions may be chosen; tandem's --permission-mode needs no such step.
    new Option('--allow-dangerously-skip-permissions').hideHelp(),
  ];
}

/** Splits "Bash(git log:*) Read,Edit" into rules, keeping what is inside parentheses whole. */
export function splitToolList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let word = '';
  for (const ch of value) {
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && (ch === ',' || /\s/.test(ch))) {
      if (word) out.push(word);
      word = '';
    } else word += ch;
  }
  if (word) out.push(word);
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks the SDK flags against each other and folds rules and limits into `config`. */
export function applySdkFlags(flags: SdkFlags, config: Config): SdkSetup {
  const streamInput = flags.inputFormat === 'stream-json';
  if (streamInput && config.outputFormat !== 'stream-json') {
    throw new ConfigError('--input-format stream-json needs --output-format stream-json.');
  }
  if (flags.permissionPromptTool !== undefined && flags.permissionPromptTool !== 'stdio') {
    throw new ConfigError(`--permission-prompt-tool ${flags.permissionPromptTool}: tandem supports only "stdio" (questions over the stream-json control protocol).`);
  }
  if (flags.permissionPromptTool && !streamInput) {
    throw new ConfigError('--permission-prompt-tool stdio needs --input-format stream-json (answers come on stdin).');
  }
  if (flags.sessionId !== undefined) {
    if (!UUID.test(flags.sessionId)) throw new ConfigError(`--session-id ${flags.sessionId}: expected a UUID such as 0b6f0c1e-5d2a-4c3e-9f1a-2b3c4d5e6f70.`);
    if ((flags.resume || flags.continue) && !flags.forkSession) {
      throw new ConfigError('--session-id names a new session: with --resume or --continue, add --fork-session.');
    }
  }
  if (flags.forkSession && !flags.resume && !flags.continue) throw new ConfigError('--fork-session needs --resume ID or --continue.');
  config.allow.push(...(flags.allowedTools ?? []).map(ruleWithClaudeName));
  config.deny.push(...(flags.disallowedTools ?? []).map(ruleWithClaudeName));
  if (flags.fallbackModel) config.fallbackModel = flags.fallbackModel;
  if (flags.maxBudgetUsd !== undefined) config.maxBudgetUsd = flags.maxBudgetUsd;
  if (flags.mcpConfig?.length) config.mcpConfigs = flags.mcpConfig;
  if (flags.strictMcpConfig) config.strictMcpConfig = true;
  return {
    streamInput,
    claudeMessages: config.outputFormat === 'stream-json' && (streamInput || !!flags.verbose),
    includePartialMessages: !!flags.includePartialMessages,
    permissionPromptStdio: flags.permissionPromptTool === 'stdio',
    sessionId: flags.sessionId,
    forkSession: !!flags.forkSession,
    selectTools: flags.tools ? toolSelector(flags.tools) : undefined,
  };
}

/** --tools: keep the named built-in tools ("default" keeps all; no names keeps none). */
function toolSelector(names: string[]): (tools: AgentTool[]) => AgentTool[] {
  return (tools) => {
    if (names.includes('default')) return tools;
    const known = tools.map((t) => t.name);
    const keep = new Set<string>();
    for (const name of names) {
      const mapped = tandemToolsFor(name, known);
      if (!mapped) throw new ConfigError(`--tools: unknown tool "${name}"; use Bash, Read, Edit, Write or one of ${known.join(', ')}.`);
      for (const m of mapped) keep.add(m);
    }
    return tools.filter((t) => keep.has(t.name));
  };
}
