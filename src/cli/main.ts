// The tandem command: parse flags, load configuration, then run print mode or the REPL. Every exit path
// kills the background tasks this process started.
import { Command, InvalidArgumentError, Option } from 'commander';
import os from 'node:os';
import { fstatSync } from 'node:fs';
import {
  ConfigError, loadDotEnv, loadModels, requireCredentials, resolveConfig, type CliFlags, type Config,
} from './config.js';
import type * as PrintModule from './print-mode.js';
import type { Runtime } from '../session/runtime.js';
import { applySdkFlags, sdkFlagOptions, SDK_PROTOCOL_VERSION, type SdkFlags } from './sdk-flags.js';
import { registerSubcommands } from './commands/index.js';
import { printSessions } from './commands/sessions.js';
import { requireDirectory } from './commands/shared.js';
import { canRunTerminalUi } from './ui/interactive.js';
import { closeInheritedDescriptors } from './inherited-fds.js';

declare const TANDEM_VERSION: string | undefined;
const version = typeof TANDEM_VERSION === 'string' ? TANDEM_VERSION : '0.0.0-dev';

interface Options extends CliFlags, SdkFlags {
  print?: string | boolean;
  continue?: boolean;
  resume?: string | boolean;
  dangerouslySkipPermissions?: boolean;
  trust?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds, 0 or more');
  return n;
}

function buildProgram(): Command {
  const program = new Command()
    .name('tandem')
    .description('A coding agent for the terminal that keeps thinking while its commands run.')
    // Claude Agent SDK programs read the first word as Claude Code's version; tandem's own follows it.
    .version(`${SDK_PROTOCOL_VERSION} (tandem ${version})`, '-v, --version')
    .argument('[prompt...]', 'what to do: with -p, answered headless; without, the interactive session starts with it')
    .option('-p, --print [prompt]', 'run headless: answer the prompt (or stdin) and exit')
    .option('--provider <name>', 'model provider: anthropic, openai, openrouter, ollama, … (env TANDEM_PROVIDER; `tandem models` lists them)')
    .option('--model <name>', 'model id, or PROVIDER/MODEL (env ANTHROPIC_MODEL for Anthropic)')
    .option('--base-url <url>', "the provider's API base URL (env ANTHROPIC_BASE_URL, OPENAI_BASE_URL, …)")
    .option('--cwd <dir>', 'workspace directory (default: the current directory)')
    .option('--max-turns <n>', 'stop after this many model calls', positiveInt)
    .addOption(new Option('--output-format <format>', 'print-mode output').choices(['text', 'json', 'stream-json']).default('text'))
    .option('--system-prompt <text>', 'replace the built-in system prompt')
    .option('--append-system-prompt <text>', 'append text to the system prompt')
    .option('--wait-tasks <seconds>', 'print mode: how long to wait for running background tasks before exiting', seconds)
    .addOption(new Option('--notify <mode>', 'REPL: a task ending while idle wakes the agent, or waits for the next turn').choices(['wake', 'next-turn']))
    .option('--max-tasks <n>', 'maximum concurrent background tasks', positiveInt)
    .addOption(new Option('--permission-mode <mode>', 'what runs without asking').choices(['default', 'acceptEdits', 'plan', 'bypassPermissions']))
    .option('--allow <rule>', 'allow rule, e.g. "Bash(npm test:*)" (repeatable)', collect, [])
    .option('--deny <rule>', 'deny rule, e.g. "Bash(git push:*)" (repeatable)', collect, [])
    .option('--dangerously-skip-permissions', 'same as --permission-mode bypassPermissions')
    .option('--sandbox', 'run every command under bubblewrap: read-only system, no network')
    .option('-c, --continue', 'resume the latest session of this workspace')
    .option('-r, --resume [id]', 'resume a session by id (or a unique prefix); without an id, list them')
    .option('--env-override', 'let .env values override the real environment')
    .option('--trust', "trust this workspace (remembered, as `tandem trust`): its settings may allow tools, its hooks and MCP servers run")
    .showHelpAfterError('(tandem --help lists the options)')
    // Root options stay with the root command; a subcommand's own options are its own.
    .enablePositionalOptions()
    // Usage errors exit 2, like every other problem the user must fix; --help and --version exit 0.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  for (const option of sdkFlagOptions()) program.addOption(option);
  return program;
}

/**
 * stdin is a shell pipe or a redirected file. Not a socket: programs that spawn tandem often leave such a stdin
 * open and silent, and waiting for its end would hang them.
 */
function stdinIsPipeOrFile(): boolean {
  if (process.stdin.isTTY) return false;
  try {
    const st = fstatSync(0);
    return st.isFIFO() || st.isFile();
  } catch {
    return false;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  let exitCode = 0;
  registerSubcommands(program, { version, setExitCode: (code) => { exitCode = code; } });
  program.action(async (words: string[], opts: Options) => { exitCode = await runAgent(words, opts); });
  await program.parseAsync(argv);
  return exitCode;
}

/** The root command: print mode, the terminal UI, or the plain REPL. */
async function runAgent(words: string[], opts: Options): Promise<number> {
  const positional = words.join(' ').trim();
  const cwd = requireDirectory(opts.cwd ?? process.cwd(), '--cwd');
  loadDotEnv(cwd, process.env, !!opts.envOverride);
  if (opts.dangerouslySkipPermissions) opts.permissionMode = 'bypassPermissions';
  const config = resolveConfig({ ...opts, cwd }, process.env, os.homedir(), await loadModels(process.env, os.homedir()));
  const sdk = applySdkFlags(opts, config);

  const printMode = opts.print !== undefined || sdk.streamInput;
  let prompt = typeof opts.print === 'string' ? [opts.print, positional].filter(Boolean).join(' ') : positional;
  if (printMode && !prompt && !process.stdin.isTTY && !sdk.streamInput) prompt = (await readStdin()).trim();
  if (printMode && !prompt && !sdk.streamInput) throw new ConfigError('No prompt: give one after -p, or pipe it on stdin.');
  // `cat build.log | tandem -p "why does this fail?"`: the piped text goes with the prompt.
  const piped = printMode && !sdk.streamInput && prompt && stdinIsPipeOrFile() ? await readStdin() : undefined;
  if (opts.resume === true) {
    await printSessions(config.cwd);
    process.stderr.write('tandem: choose one with tandem --resume ID (a unique prefix of the id will do)\n');
    return 2;
  }
  requireCredentials(config);

  // Print mode's module loads while the runtime is created (its file reads overlap that work).
  const printModule = printMode ? import('./print-mode.js') : undefined;
  const { Session } = await import('../session/session.js');
  const resume = opts.continue ? { latest: true as const } : typeof opts.resume === 'string' ? { id: opts.resume } : undefined;
  const stderrLog = (l: string): void => void process.stderr.write(`tandem: ${l}\n`);
  let log = stderrLog;
  const ui = !printMode && canRunTerminalUi(process.stdin, process.stdout, process.env);
  const trustedWorkspace = await workspaceTrust(config, !!opts.trust, ui);
  // The SDK program's in-process MCP servers are reached over the control protocol (stream input only).
  const mcpBridge = sdk.streamInput ? new (await import('./stream-json/sdk-mcp.js')).SdkMcpBridge() : undefined;
  const session = await Session.open(config, {
    version, resume, interactive: !printMode || sdk.permissionPromptStdio, log: (l) => log(l),
    sessionId: sdk.sessionId, fork: sdk.forkSession, selectTools: sdk.selectTools, trustedWorkspace,
    mcpSdkTransport: mcpBridge ? (name) => mcpBridge.transport(name) : undefined,
  });
  const rt = session.runtime;
  installExitHandlers(rt);
  try {
    if (sdk.claudeMessages) return await runSdk(session, prompt, sdk, mcpBridge);
    if (printModule) return await runPrint(rt, prompt, printModule, piped);
    // Without -p, a prompt on the command line is the first thing sent, as `claude "..."` does.
    const initialPrompt = prompt || undefined;
    if (ui) {
      const { runUi } = await import('./ui/run-ui.js');
      return await runUi(rt, { setLog: (l) => { log = l ?? stderrLog; }, initialPrompt });
    }
    const { runRepl } = await import('./repl.js');
    return await runRepl(rt, { initialPrompt });
  } finally {
    await rt.shutdown();
  }
}

/** --trust trusts (and remembers it); the UI asks on a first start; otherwise the runtime reads what is remembered. */
async function workspaceTrust(config: Config, trustFlag: boolean, ui: boolean): Promise<boolean | undefined> {
  const { rememberTrust } = await import('../workspace/trust.js');
  if (trustFlag) {
    await rememberTrust(config.home, config.cwd, true);
    return true;
  }
  if (!ui) return undefined;
  const { decideTrustInteractively } = await import('./trust-prompt.js');
  return decideTrustInteractively(config.home, config.cwd, { stdin: process.stdin, write: (t) => process.stdout.write(t) });
}

async function runPrint(rt: Runtime<Config>, prompt: string, printModule: Promise<typeof PrintModule>, piped?: string): Promise<number> {
  const { runPrintMode } = await printModule;
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ntandem: interrupted; stopping (Ctrl+C again to force)\n');
    controller.abort(new Error('interrupted by the user'));
  });
  return runPrintMode(rt, prompt, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }, controller.signal, piped);
}

/** Claude Code's headless protocol: what the Claude Agent SDK drives (src/cli/stream-json). */
async function runSdk(
  session: import('../session/session.js').Session<Config>, prompt: string, sdk: ReturnType<typeof applySdkFlags>,
  mcpBridge?: import('./stream-json/sdk-mcp.js').SdkMcpBridge,
): Promise<number> {
  const { runStreamJson } = await import('./stream-json/run.js');
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error('interrupted by the user'));
  });
  return runStreamJson(session, {
    streamInput: sdk.streamInput, prompt, includePartialMessages: sdk.includePartialMessages,
    permissionPromptStdio: sdk.permissionPromptStdio, version, stdin: process.stdin, mcpBridge,
    stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), signal: controller.signal,
  });
}

/** Whatever ends this process, its tasks end with it. */
function installExitHandlers(rt: Runtime<Config>): void {
  process.on('exit', () => rt.tasks.killAllSync());
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    process.stderr.write(`\ntandem: ${signal}; killing background tasks\n`);
    void rt.shutdown().finally(() => process.exit(code));
    setTimeout(() => process.exit(code), 5_000).unref();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM', 143));
  process.on('SIGHUP', () => onSignal('SIGHUP', 129));
}

/** Errors that are the user's to fix: their message alone, exit status 2. */
const USER_ERRORS = new Set(['SessionLookupError', 'SettingsError']);

process.on('uncaughtException', (err) => {
  // The terminal went away (its window closed): writing to it fails. That is a hang-up, not a crash: leave as
  // SIGHUP does (the exit handler kills the tasks), without an "internal error" nobody can read.
  const code = (err as NodeJS.ErrnoException).code;
  if ((code === 'EIO' || code === 'EPIPE') && (err as NodeJS.ErrnoException).syscall === 'write') process.exit(code === 'EIO' ? 129 : 141);
  process.stderr.write(`tandem: internal error: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  process.stderr.write(`tandem: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

// Before anything runs a command: no inherited descriptor may reach one.
closeInheritedDescriptors();
main(process.argv).then(
  (code) => {
    // Leave once stdout has drained, even if a stray handle (an idle keep-alive socket) lingers.
    process.stdout.write('', () => process.exit(code));
  },
  (err: unknown) => {
    if (err instanceof ConfigError || (err instanceof Error && USER_ERRORS.has(err.name))) {
      process.stderr.write(`tandem: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`tandem: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
