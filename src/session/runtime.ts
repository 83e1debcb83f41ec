// Wires the layers for one tandem process: session, model, workspace, task engine, tools, system prompt, and
// the hook that delivers task notices right before each model call.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runAgent, type AgentLoopOptions } from '../core/agent-loop.js';
import { createHarnessMark, markPromptNote } from '../core/harness-mark.js';
import type { AgentEvent, AgentResult } from '../core/events.js';
import { appendUserContent } from '../core/messages.js';
import type { AgentTool, ContentBlock, Message, Model } from '../core/types.js';
import { withFallback } from '../providers/fallback.js';
import { createModelFor } from '../providers/model-factory.js';
import { modelTakesImages } from '../providers/image-input.js';
import { missingKeyMessage, resolveTarget, type ModelTarget } from '../providers/target.js';
import { AutoCompactor } from './auto-compact.js';
import { DEFAULT_CONTEXT_BUDGET, withContextBudget } from './context-budget.js';
import { contextWindowOf, costOfAll } from './pricing.js';
import { openSession, type OpenedSession } from './session-open.js';
import type { TranscriptWriter } from './transcript-writer.js';
import { formatNotice } from '../tasks/notices.js';
import { mapToolResultText } from '../core/text.js';
import { persistentReport, reattachReport } from '../tasks/persistent-report.js';
import { TaskManager } from '../tasks/task-manager.js';
import type { TaskSnapshot } from '../tasks/types.js';
import { createTools } from '../tools/index.js';
import type { FileIO } from '../tools/file-io.js';
import { loadPermissionSettings, PermissionPolicy } from '../workspace/permissions/index.js';
import { commandEnv, redactSecrets, secretValues } from '../workspace/secrets.js';
import { createWorkspace, realPaths, realRoots, type Workspace } from '../workspace/paths.js';
import { grantedRules, projectInventory, rememberGrantedRule, trustOf, untrustedNotice } from '../workspace/trust.js';
import type { Authorize } from '../core/tool-calls.js';
import type { Mode } from '../workspace/permissions/types.js';
import { runToolHooks, type PermissionDenial, type ToolHook } from './tool-hooks.js';
import { SessionHooks } from './session-hooks.js';
import { createInitCommand } from './init-command.js';
import { addUsage, emptyUsage } from '../core/types.js';
import { userText } from '../core/messages.js';
import type { Approver } from '../workspace/approval.js';
import { createPermissionGate } from '../workspace/permission-gate.js';
import { setUpSandbox } from '../workspace/sandbox-setup.js';
import type { SessionConfig as Config } from './config.js';
import { buildSystemPrompt } from './system-prompt.js';
import { DEFAULT_LOG_RETENTION_DAYS, pruneSessionFolders, removeSessionFolder } from './log-retention.js';
import { keepWasmOnBaselineCompiler } from './wasm-baseline.js';
import { Subagents } from './subagents.js';
import { createAgentTool } from '../tools/agent.js';
import { loadAgentDefinitions } from '../extensions/agents/loader.js';
import { createSkillTool, loadCommandsAndSkills, skillsPromptSection, type CommandRegistry, type Skill } from '../extensions/index.js';
import { openMcp, startMcp, type McpManager } from '../extensions/mcp/index.js';
import type { McpServerConfig } from '../extensions/mcp/config.js';
import type { Transport as McpTransport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { expandMcpInput, McpPromptError, syncMcpTools } from './mcp-wiring.js';
import { CheckpointStore, checkpointingTool } from '../workspace/checkpoints/index.js';
import { mayBeInGit } from '../workspace/checkpoints/command-watch.js';

export interface Runtime<C extends Config = Config> {
  config: C;
  session: OpenedSession;
  /** The conversation (the session's messages, extended in place by the loop). */
  messages: Message[];
  model: Model;
  compactor: AutoCompactor;
  contextWindow: number;
  tools: AgentTool[];
  tasks: TaskManager;
  workspace: Workspace;
  system: string;
  /** Drains ended tasks' notices into blocks for the trailing user message. */
  takeNotices(): ContentBlock[];
  /**
   * Records a loop event in the transcript; front ends call it from their emit before displaying. Right before
   * the first model call it also loads fetch and keeps WebAssembly on its baseline compiler (wasm-baseline.ts).
   */
  record(event: AgentEvent): void;
  policy: PermissionPolicy;
  /** The loop's authorize hook: permission rules, and questions to the approver. */
  authorize: Authorize;
  /** Front ends that can ask the person install their approver here. */
  setApprover(approver: Approver | undefined): void;
  /** The loop's options for this runtime: model, tools, system prompt, notices, permissions, compaction. */
  loopOptions(run: { signal?: AbortSignal; emit: (event: AgentEvent) => void; maxTurns?: number }): AgentLoopOptions;
  /**
   * Switches the model (`MODEL` on the current provider, or `PROVIDER/MODEL`), and the one that writes summaries,
   * from the next request on. Resolves with what is now in use; rejects with a message saying what is wrong.
   */
  setModel(spec: string): Promise<ModelTarget>;
  /** Kills every task, waits for them to end, and closes the transcript. */
  shutdown(): Promise<void>;
  /** Appends a prompt (text or blocks) to the conversation and records it. */
  addUserMessage(content: string | ContentBlock[]): void;
  /** Files' content before each change tandem made, and where each prompt began (/undo, /rewind). */
  checkpoints: CheckpointStore;
  /**
   * Runs the loop until the model ends its turn, recording every event before `emit` sees it. With
   * `config.maxBudgetUsd`, a turn whose spend passes the budget stops (`budgetExceeded`).
   */
  runTurn(run: { signal?: AbortSignal; emit?: (event: AgentEvent) => void; maxTurns?: number }): Promise<TurnResult>;
  /** Calls denied so far in this session (rules, modes, people, hooks), oldest first. */
  denials: PermissionDenial[];
  /** Hooks run before every tool call, before the permission rules (settings files' PreToolUse, SDK hooks). */
  toolHooks: ToolHook[];
  /**
   * Settings files' hooks (Claude Code's format). `hooks.engine` runs any event: e.g. an agents subsystem calls
   * `hooks.engine.stop('SubagentStop', { stopHookActive })` when a subagent finishes. `/hooks` lists them.
   */
  hooks: SessionHooks;
  /** Adds a tool for the rest of the session (library users' custom tools). */
  addTool(tool: AgentTool): void;
  /** Puts `tool` in the place of the tool of the same name (a front end's own way of doing its work). */
  replaceTool(tool: AgentTool): void;
  /** Commands run under a sandbox (--sandbox or settings): front ends must not run them elsewhere. */
  readonly sandboxed: boolean;
  /**
   * The workspace is trusted: its settings may allow tools and change modes, and its hooks, MCP servers and
   * anything else that executes may load. Untrusted, only the user's own files and the repo's deny/ask rules apply.
   */
  readonly trusted: boolean;
  setPermissionMode(mode: Mode): void;
  /** The subagents the agent tool runs (types, usage by subagent for /cost). */
  subagents: Subagents;
  /** Rebuilds the system prompt with another base (undefined: tandem's own) and appended text, from the next call on. */
  setSystemPrompt(prompt: { override?: string; append?: string }): void;
  /** Custom slash commands (command files; others may add theirs, as MCP prompts do). */
  commands: CommandRegistry;
  /** Skills whose names and descriptions are in the system prompt (the skill tool loads one). */
  skills: readonly Skill[];
  /** The session's MCP servers (src/extensions/mcp); undefined when none is configured. */
  readonly mcp?: McpManager;
  /** Adds MCP servers that become known later (the SDK program's in-process servers); they start at once. */
  addMcpServers(servers: McpServerConfig[]): Promise<void>;
}

export interface TurnResult extends AgentResult {
  /** The turn stopped because the session's spend passed config.maxBudgetUsd. */
  budgetExceeded?: boolean;
}

export interface RuntimeOptions {
  version: string;
  /** A person can answer permission questions (REPL, UI); false in print mode. */
  interactive: boolean;
  resume?: { latest: true } | { id: string };
  /** A new session's id chosen by the caller (--session-id), or a fork's. */
  sessionId?: string;
  /** With resume: continue in a new session (--fork-session). */
  fork?: boolean;
  /** Where the file tools read and write (an editor's buffers over ACP); default the disk. */
  fileIO?: FileIO;
  /** Narrows the built-in tool set (--tools); custom tools are added after. */
  selectTools?: (tools: AgentTool[]) => AgentTool[];
  /** Trust the workspace (--trust, the UI's answer) or not; default: what <home>/trusted.json remembers, else no.
   * Project-scoped MCP servers (.mcp.json, project settings) start only in a trusted workspace. */
  trustedWorkspace?: boolean;
  /** For the SDK's in-process MCP servers (`type: "sdk"`): a transport over the control protocol. */
  mcpSdkTransport?: (server: string) => McpTransport | undefined;
  log: (line: string) => void;
}

export async function createRuntime<C extends Config>(config: C, opts: RuntimeOptions): Promise<Runtime<C>> {
  const workspace0 = await createWorkspace(config.cwd);
  const registryDir = path.join(config.home, 'running-tasks');
  for (const line of await TaskManager.reapOrphans(registryDir)) opts.log(line);

  const trusted = opts.trustedWorkspace ?? (await trustOf(config.home, workspace0.root))?.trusted ?? false;
  const granted = trusted ? [] : await grantedRules(config.home, workspace0.root);
  const settings = await loadPermissionSettings({
    home: os.homedir(), userSettingsFile: path.join(config.home, 'settings.json'), workspaceRoot: workspace0.root,
    cliAllow: config.allow, cliDeny: config.deny, cliMode: config.permissionMode, cliSandbox: config.sandbox,
    trusted, claudeUserDir: config.env.CLAUDE_CONFIG_DIR?.trim() || undefined,
    granted,
  });
  for (const warning of settings.warnings) opts.log(warning);
  if (!trusted) {
    const inventory = await projectInventory(workspace0.root, granted);
    if (inventory.items.length) opts.log(untrustedNotice(inventory, workspace0.root));
  }
  const policy = new PermissionPolicy(settings, { workspaceRoot: workspace0.root, home: os.homedir(), nonInteractive: !opts.interactive, untrusted: !trusted });
  for (const r of policy.describeRules()) if (r.kind === 'allow' && r.note) opts.log(`allow rule ${r.rule} from ${r.source} ${r.note}`);
  if (policy.mode === 'bypassPermissions') opts.log('permission mode bypassPermissions: every tool call runs without asking (deny rules still hold)');
  // Every provider's key variable (a models file may name its own) stays out of commands and transcripts.
  const credentials = { ...settings, credentialVariables: [...config.models.providers.values()].flatMap((p) => p.keyEnv) };
  const secrets = [...secretValues(process.env, credentials), ...[config.target.apiKey, ...[...config.models.providers.values()].map((p) => p.apiKey)].filter((k): k is string => !!k)];
  const redact = (text: string) => redactSecrets(text, secrets);

  const session = openSession({
    home: config.home, workspaceRoot: workspace0.root, model: config.model, version: opts.version, resume: opts.resume,
    sessionId: opts.sessionId, fork: opts.fork,
    writer: {
      redact,
      onError: (err) => opts.log(`cannot write the transcript (${err.message}); this session will not be saved`),
    },
  });
  for (const line of session.report) opts.log(line);
  // Harness messages carry the session's key; no tool output can (core/harness-mark.ts).
  const mark = createHarnessMark(session.harnessKey);

  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const logDir = path.join(os.tmpdir(), `tandem-${uid}`, session.id);
  await mkdir(logDir, { recursive: true, mode: 0o700 });
  const retentionDays = retentionFrom(config.env.TANDEM_LOG_RETENTION_DAYS, opts.log);
  pruneSessionFolders(path.dirname(logDir), retentionDays, logDir);
  const env = commandEnv(process.env, credentials);
  const sandbox = await setUpSandbox(settings.sandbox, { workspace: workspace0.root, log: opts.log, privateDir: logDir, home: os.homedir(), tandemHome: config.home });
  const tasks = new TaskManager({
    cwd: config.cwd, logDir, registryDir, env, maxConcurrent: config.maxTasks, container: sandbox?.container, secrets,
    persistentDir: path.join(config.home, 'persistent-tasks', session.id),
  });
  // The isolation probes (child processes) run while start-up goes on and the first request is answered. The
  // shell parser is not preloaded: plain commands need none, and it costs ~27 MB.
  void tasks.prepare();
  recordBackgroundTasks(tasks, session.writer);
  // A resumed session's persistent tasks: still running, or ended meanwhile (their notices are queued).
  for (const line of reattachReport(tasks.adopt())) opts.log(line);
  const folders = { workspaceRoot: workspace0.root, home: os.homedir(), tandemHome: config.home, trusted };
  const [extensions, agentTypes] = await Promise.all([loadCommandsAndSkills(folders), loadAgentDefinitions(folders)]);
  for (const warning of [...extensions.warnings, ...agentTypes.warnings]) opts.log(warning);
  extensions.commands.add(createInitCommand()); // a project's own /init keeps the name
  // Skills' folders outside the workspace (the user's) are read like tandem's own: their files need no rule.
  const skillRoots = extensions.skills.map((s) => s.dir).filter((d) => !d.startsWith(workspace0.root + path.sep));
  // Under --sandbox the file tools may write where commands may: the workspace plus sandbox.extraWritable,
  // minus what the sandbox hides.
  const writable = sandbox?.writable?.extra.length ? {
    writeRoots: await realRoots(workspace0.root, sandbox.writable.extra),
    hidden: await realPaths(sandbox.writable.hidden),
  } : {};
  const workspace = { ...workspace0, readRoots: [...workspace0.readRoots, logDir, ...skillRoots], ...writable };
  const mcpOptions = {
    env: config.env, serverEnv: env, cwd: config.cwd, logDir, version: opts.version, log: opts.log, sdkTransport: opts.mcpSdkTransport,
  };
  let mcpAdding: Promise<void> | undefined;
  let mcp = await openMcp({
    ...mcpOptions, home: config.home, workspaceRoot: workspace0.root, flagConfigs: config.mcpConfigs, strict: config.strictMcpConfig, trusted,
  });
  const hooks = new SessionHooks({
    sections: settings.hooks, projectDir: workspace0.root, env, log: opts.log, tasks,
    context: () => ({ sessionId: session.id, transcriptPath: session.path, permissionMode: policy.mode }),
  });

  const modelOptions = { maxAttempts: config.maxRetries + 1, idleTimeoutMs: config.streamTimeoutMs };
  const provider = await createModelFor(config.target, modelOptions);
  const windowOf = (target: ModelTarget) => config.contextWindow ?? target.info?.contextWindow ?? contextWindowOf(target.qualifiedId);
  // A reply may not ask for more than the model can write (DeepSeek's 8k, say).
  const maxTokensOf = (target: ModelTarget) => Math.min(config.maxTokens, target.info?.maxOutputTokens ?? Infinity);
  let maxTokens = maxTokensOf(config.target);
  const contextWindow = windowOf(config.target);
  const compactor = new AutoCompactor(provider, {
    contextWindow,
    threshold: config.compactThreshold,
    onStart: (reason) => {
      hooks.preCompact(reason === 'manual' ? 'manual' : 'auto');
      opts.log(reason === 'manual' ? 'compacting the conversation…' : `context is nearly full (${reason}); compacting the conversation…`);
    },
    onCompacted: (result) => {
      session.recorder.compacted(result);
      opts.log(`compacted: ${result.summarised} messages summarised, ${result.kept} kept`);
    },
    onError: (err) => opts.log(`compaction failed: ${err.message}`),
  });
  compactor.noteUsage(session.loaded?.lastUsage);
  // A local model the table and the models file do not know: its server says how much context it takes.
  const askWindow = (target: ModelTarget, model: Model) => {
    if (config.contextWindow || target.info?.contextWindow || !target.provider.local || !target.baseURL) return;
    void import('../providers/discovery.js').then((d) => d.serverContextWindow(target.provider, target.baseURL!, target.model, target.apiKey)).then((n) => {
      if (!n || config.target !== target) return;
      rt.contextWindow = n;
      compactor.useModel(model, n);
    });
  };
  // Old tool results beyond a budget go out as placeholders; the conversation itself keeps them whole.
  // --fallback-model: a request that fails for good as overloaded or unavailable goes to the fallback model.
  const fallback = config.fallbackModel && config.fallbackModel !== config.model
    ? await createModelFor(switchTarget(config, config.fallbackModel), modelOptions)
    : undefined;
  const budgeted = (model: Model) => withContextBudget(fallback ? withFallback(model, fallback) : model, { ...DEFAULT_CONTEXT_BUDGET, note: mark.note });

  const promptInput = {
    cwd: workspace.root,
    home: config.home,
    platform: `${process.platform} ${os.release()}`,
    shell: process.env.SHELL ?? '/bin/sh',
    date: new Date(),
    isGitRepo: mayBeInGit(workspace.root),
    trusted, warn: opts.log, claudeUserDir: config.env.CLAUDE_CONFIG_DIR?.trim() || undefined,
    override: config.systemPrompt,
    sections: [skillsPromptSection(extensions.skills)].filter((x): x is string => !!x),
    append: [markPromptNote(mark), config.appendSystemPrompt, policy.mode === 'plan' ? PLAN_MODE_NOTE : undefined, sandbox?.note]
      .filter(Boolean).join('\n\n') || undefined,
  };
  const system = buildSystemPrompt(promptInput);
  let approver: Approver | undefined;
  const denials: PermissionDenial[] = [];
  const onDenied = (call: { id: string; name: string; input: unknown }, _tool: string, message: string) => {
    denials.push({ toolName: call.name, toolUseId: call.id, input: call.input, message });
  };
  const gate = createPermissionGate({
    policy, workspace, ownReadRoots: [logDir, ...skillRoots], log: opts.log, onDenied,
    onAlwaysAllowed: (rule) => rememberGrantedRule(config.home, workspace0.root, rule),
    get approver() { return hooks.notifying(approver); },
  });
  const toolHooks: ToolHook[] = [];
  const settingsHook = hooks.toolHook();
  if (settingsHook) toolHooks.push(settingsHook);
  // The hooks, then the rules (and a person) through `gate`; the session's calls and each subagent's.
  const authorizeThrough = (gate: Authorize, asker?: string): Authorize => async (call, tool, signal) => {
    const hooked = await runToolHooks(toolHooks, call, signal);
    if (hooked?.decision === 'deny') {
      onDenied(call, tool.name, hooked.reason);
      return { content: hooked.reason, isError: true };
    }
    if (hooked?.decision === 'allow') return undefined;
    if (hooked?.decision === 'ask') {
      // A hook wants the person to see this call: nobody to ask is a denial; a yes still meets the rules.
      const why = `A PreToolUse hook asks for approval${hooked.reason ? `: ${hooked.reason}` : '.'}`;
      const ask = hooks.notifying(approver);
      const answer = ask
        ? await ask({ ...(asker ? { agent: asker } : {}), tool: tool.name, summary: JSON.stringify(call.input).slice(0, 200), reason: why, toolUseId: call.id, input: call.input as Record<string, unknown> }, signal)
        : { kind: 'deny' as const, message: `${why} Nobody can approve it here, so it was denied.` };
      if (answer.kind === 'deny') {
        const message = answer.message ?? `The user denied permission for this ${tool.name} call.${answer.reason ? ` They said: "${answer.reason}"` : ''}`;
        onDenied(call, tool.name, message);
        return { content: message, isError: true };
      }
      if (answer.kind === 'once' && answer.updatedInput) call.input = answer.updatedInput;
    }
    return gate(call, tool, signal);
  };
  const authorize = authorizeThrough(gate);
  const subagents = new Subagents({
    mark,
    tasks,
    definitions: agentTypes.agents,
    tools: () => rt.tools,
    model: () => ({ model: rt.model, id: config.model }),
    modelFor: async (spec) => {
      const target = switchTarget(config, spec);
      const missing = missingKeyMessage(target);
      if (missing) throw new Error(`Cannot use model ${spec} for the subagent: ${missing}`);
      return { model: withContextBudget(await createModelFor(target, modelOptions), { ...DEFAULT_CONTEXT_BUDGET, note: mark.note }), id: target.qualifiedId };
    },
    // A type's own prompt still gets the facts of where it works.
    system: ({ override, append }) => buildSystemPrompt({
      ...promptInput,
      override: override === undefined ? undefined : `${override}\n\nWorkspace: ${workspace.root}\nPlatform: ${promptInput.platform}; `
        + `shell: ${promptInput.shell}; date: ${promptInput.date.toISOString().slice(0, 10)}`,
      append: [promptInput.append, append].filter(Boolean).join('\n\n'),
    }),
    maxTokens: () => maxTokens,
    authorizeFor: (label) => subagentGate(label),
    recordUsage: (label, model, usage) => session.recorder.subagentUsage(label, model, usage),
    transcriptDir: session.path.replace(/\.jsonl$/, '') + '.agents',
    cwd: workspace.root,
    version: opts.version,
    redact,
    log: opts.log,
    subagentStop: async ({ id, agentType, transcriptPath, stopHookActive }, signal) => {
      if (!hooks.engine.has('SubagentStop')) return undefined;
      const out = await hooks.engine.stop('SubagentStop', {
        stopHookActive, agent_id: id, agent_type: agentType, agent_transcript_path: transcriptPath,
      }, signal);
      return out.blocked;
    },
  }, session.loaded?.usageByAgent);
  // A subagent's calls go through the same rules and hooks; a person asked sees which subagent asks.
  const subagentGate = (label: string): Authorize => {
    const gate = createPermissionGate({
      policy, workspace, ownReadRoots: [logDir], log: opts.log,
      onDenied: (call, tool, message) => {
        onDenied(call, tool, `${label}: ${message}`);
        opts.log(`agent ${label}: denied ${call.name}: ${message}`);
      },
      get approver(): Approver | undefined {
        const ask = hooks.notifying(approver);
        return ask ? (request, signal) => ask({ ...request, agent: label }, signal) : undefined;
      },
    });
    return authorizeThrough(gate, label);
  };
  // Checkpoints: every file a tool changes keeps its previous content for /undo and /rewind (src/workspace/checkpoints).
  const checkpoints = new CheckpointStore(path.join(logDir, 'checkpoints'));
  const wrapTool = (tool: AgentTool) => hooks.wrapTool(redactingTool(checkpointingTool(tool, checkpoints, workspace), redact));
  // UserPromptSubmit sees each prompt once, at the start of the turn that answers it.
  let newPrompt: { text: string; messages: number; blocks: number } | undefined;
  let haltTurn: AbortController | undefined;
  hooks.setHalt((reason) => haltTurn?.abort(new Error(reason)));
  const builtIn = [
    ...createTools(workspace, tasks, opts.fileIO, { takesImages: () => modelTakesImages(config.model) }), createAgentTool(subagents, tasks),
    ...(extensions.skills.length ? [createSkillTool(extensions.skills)] : []),
  ];
  const costAtStart = costOfAll(session.recorder.usageByModel) ?? 0;
  askWindow(config.target, provider);
  hooks.sessionStart(session.loaded ? 'resume' : 'startup');
  const rt: Runtime<C> = {
    config,
    session,
    messages: session.messages,
    model: budgeted(provider),
    compactor,
    contextWindow,
    tools: (opts.selectTools ? opts.selectTools(builtIn) : builtIn).map(wrapTool),
    tasks,
    workspace,
    system,
    takeNotices: () => [
      ...tasks.drainNotices().map((n): ContentBlock => ({ type: 'text', text: redact(formatNotice(n, mark)) })),
      ...hooks.drainContext().map((b): ContentBlock => (b.type === 'text' ? { ...b, text: mark.shield(b.text) } : b)),
    ],
    record: (event) => {
      session.recorder.onEvent(event);
      if (event.type === 'turn_start') keepWasmOnBaselineCompiler();
    },
    policy,
    authorize,
    setApprover: (a) => { approver = a; },
    loopOptions: ({ signal, emit, maxTurns }) => ({
      model: rt.model, tools: rt.tools, system: rt.system, maxTokens,
      maxTurns: maxTurns ?? config.maxTurns, signal, emit,
      beforeModelCall: rt.takeNotices, authorize: rt.authorize, context: compactor.hooks(), mark,
    }),
    async setModel(spec) {
      const target = switchTarget(config, spec);
      const missing = missingKeyMessage(target);
      if (missing) throw new Error(missing);
      const next = await createModelFor(target, modelOptions);
      rt.model = budgeted(next);
      rt.contextWindow = windowOf(target);
      compactor.useModel(next, rt.contextWindow);
      maxTokens = maxTokensOf(target);
      config.target = target;
      config.model = target.qualifiedId;
      session.recorder.setModel(target.qualifiedId);
      askWindow(target, next);
      return target;
    },
    denials,
    toolHooks,
    subagents,
    hooks,
    commands: extensions.commands,
    skills: extensions.skills,
    sandboxed: sandbox !== undefined,
    trusted,
    get mcp() { return mcp; },
    addMcpServers(servers) {
      if (!servers.length) return mcpAdding ?? Promise.resolve();
      // A turn that starts meanwhile waits for this, so the servers' tools are in its first request.
      mcpAdding = (async () => {
        await mcpAdding;
        if (mcp) mcp.addServers(servers);
        else mcp = await startMcp({ servers, broken: [], untrusted: [] }, mcpOptions);
      })();
      return mcpAdding;
    },
    replaceTool(tool) {
      const at = rt.tools.findIndex((t) => t.name === tool.name);
      if (at < 0) throw new Error(`no tool named ${tool.name} to replace`);
      rt.tools[at] = wrapTool(tool);
    },
    addTool(tool) {
      if (rt.tools.some((t) => t.name === tool.name)) throw new Error(`a tool named ${tool.name} exists already`);
      rt.tools.push(wrapTool(tool));
    },
    setPermissionMode(mode) {
      policy.setMode(mode);
    },
    setSystemPrompt({ override, append }) {
      const tail = [markPromptNote(mark), append, policy.mode === 'plan' ? PLAN_MODE_NOTE : undefined, sandbox?.note].filter(Boolean).join('\n\n');
      rt.system = buildSystemPrompt({ ...promptInput, override, append: tail || undefined });
    },
    checkpoints,
    addUserMessage(content) {
      const last = session.messages.at(-1);
      const text = typeof content === 'string' ? content : content.map((b) => (b.type === 'text' ? b.text : '')).join('\n');
      const blocks = last?.role === 'user' && Array.isArray(last.content) ? last.content.length : -1;
      checkpoints.markPrompt(text, session.messages.length, blocks);
      newPrompt = { text, messages: session.messages.length, blocks };
      appendUserContent(session.messages, typeof content === 'string' ? [{ type: 'text', text: content }] : content);
      session.recorder.sync();
    },
    async runTurn({ signal, emit, maxTurns }) {
      const budget = config.maxBudgetUsd;
      const stop = new AbortController();
      const onAbort = () => stop.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
      let budgetExceeded = false;
      haltTurn = stop;
      const prompt = newPrompt;
      newPrompt = undefined;
      try {
        const before = await hooks.beforeTurn(prompt?.text, stop.signal);
        if (before.blocked !== undefined && prompt) {
          // The prompt never reaches the model: take it back out of the conversation.
          const last = session.messages.at(-1);
          if (prompt.blocks < 0) session.messages.length = prompt.messages;
          else if (last && Array.isArray(last.content)) last.content.length = prompt.blocks;
          opts.log(`prompt blocked by a UserPromptSubmit hook: ${before.blocked}`);
          return { outcome: 'error', text: '', turns: 0, usage: emptyUsage(), errorMessage: `A UserPromptSubmit hook blocked the prompt: ${before.blocked}` };
        }
        if (before.context.length) appendUserContent(session.messages, before.context);
        await mcpAdding;
        if (mcp) {
          try {
            for (const note of await expandMcpInput(mcp, session.messages, stop.signal)) opts.log(note);
          } catch (err) {
            if (!(err instanceof McpPromptError) && !(err instanceof Error && err.name === 'McpCallError')) throw err;
            // The prompt command never reaches the model: it is taken back, and the turn ends saying why.
            if (session.messages.at(-1)?.role === 'user') session.messages.pop();
            emit?.({ type: 'error', message: err.message });
            return { outcome: 'error', text: '', turns: 0, usage: emptyUsage(), errorMessage: err.message };
          }
          await syncMcpTools(mcp, rt.tools, wrapTool, opts.log); // PostToolUse hooks see MCP tools too
        }
        let result: AgentResult | undefined;
        for (let continuations = 0; ; continuations++) {
          const run = await runAgent(session.messages, rt.loopOptions({
            signal: stop.signal,
            maxTurns,
            emit: (event) => {
              rt.record(event);
              emit?.(event);
              if (budget !== undefined && event.type === 'usage' && !budgetExceeded
                && (costOfAll(session.recorder.usageByModel) ?? 0) - costAtStart > budget) {
                budgetExceeded = true;
                stop.abort(new Error('budget exceeded'));
              }
            },
          }));
          result = result ? { ...run, turns: result.turns + run.turns, usage: addUsage(result.usage, run.usage) } : run;
          if (run.outcome !== 'end_turn' || budgetExceeded || stop.signal.aborted) break;
          // A Stop hook that blocks keeps the agent going, with its reason as the next instruction.
          const goOn = await hooks.afterStop(continuations, stop.signal);
          if (goOn === undefined) break;
          appendUserContent(session.messages, [userText(`<hook-output event="Stop">\n${goOn}\n</hook-output>`)]);
        }
        return budgetExceeded ? { ...result, budgetExceeded } : result;
      } finally {
        haltTurn = undefined;
        signal?.removeEventListener('abort', onAbort);
        session.recorder.sync();
      }
    },
    shutdown: async () => {
      await hooks.sessionEnd();
      await Promise.all([tasks.shutdown(), mcp?.close(), checkpoints.dispose()]);
      sandbox?.cleanup();
      for (const line of persistentReport(tasks.persistentRunning())) opts.log(line);
      if (retentionDays === 0 && !tasks.list().some((t) => t.persistent && t.status === 'running')) removeSessionFolder(logDir);
      session.recorder.sync();
      session.writer.close();
    },
  };
  return rt;
}

/**
 * What `/model SPEC` means: PROVIDER/MODEL switches provider (its own endpoint and key); a bare MODEL stays with
 * the current provider and endpoint (a --base-url given at start applies to that provider only).
 */
function switchTarget(config: Config, spec: string): ModelTarget {
  const current = config.target;
  const prefix = spec.includes('/') ? spec.slice(0, spec.indexOf('/')) : undefined;
  const otherProvider = prefix !== undefined && prefix !== current.provider.id && config.models.providers.has(prefix);
  if (otherProvider) return resolveTarget({ model: spec }, config.env, config.models);
  return resolveTarget({ provider: current.provider.id, model: spec, baseUrl: current.baseURL }, config.env, config.models);
}

const PLAN_MODE_NOTE = 'You are in plan mode: nothing may be written and no command runs unless a rule allows it. ' +
  'Investigate by reading files, then present a plan for the user to approve; do not try to make changes.';

/**
 * Records background tasks' starts and ends in the transcript, so a resumed session can tell the model which
 * were running when it ended. A foreground command is left out (its tool result tells how it ended) unless it
 * moves to the background.
 */
function recordBackgroundTasks(tasks: TaskManager, writer: TranscriptWriter): void {
  const recorded = new Set<string>();
  const recordStart = (t: TaskSnapshot) => {
    if (t.foreground || recorded.has(t.id)) return;
    recorded.add(t.id);
    writer.taskStart(t.id, t.command);
  };
  tasks.on('start', recordStart);
  tasks.on('backgrounded', recordStart);
  tasks.on('end', (t) => { if (recorded.has(t.id)) writer.taskEnd(t.id, t.status); });
}

/** Keys tandem holds never reach the model through tool output (a command that prints .env, say). */
function redactingTool(tool: AgentTool, redact: (text: string) => string): AgentTool {
  return {
    ...tool,
    execute: async (input, ctx) => {
      const result = await tool.execute(input, ctx);
      return { ...result, content: mapToolResultText(result.content, redact) };
    },
  };
}

/** TANDEM_LOG_RETENTION_DAYS: days a session's task logs are kept after its last write (0: removed at exit). */
function retentionFrom(value: string | undefined, log: (line: string) => void): number {
  if (value === undefined || value.trim() === '') return DEFAULT_LOG_RETENTION_DAYS;
  const days = Number(value);
  if (Number.isFinite(days) && days >= 0) return days;
  log(`TANDEM_LOG_RETENTION_DAYS=${value} is not a number of days; keeping task logs ${DEFAULT_LOG_RETENTION_DAYS} days`);
  return DEFAULT_LOG_RETENTION_DAYS;
}
