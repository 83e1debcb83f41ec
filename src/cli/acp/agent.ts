// `tandem acp`: the Agent Client Protocol over stdio, for editors (Zed, JetBrains, Neovim, Emacs). Each ACP
// session is a tandem Session; prompts stream as session/update notifications, permission questions go to the
// editor as session/request_permission, and background tasks are reported as they start and end.
import { mcpServersFromEditor } from './mcp-servers.js';
import { Readable, Writable } from 'node:stream';
import * as acp from '@agentclientprotocol/sdk';
import type { ContentBlock } from '../../core/types.js';
import type { FileIO } from '../../tools/file-io.js';
import { Session } from '../../session/session.js';
import type { ApprovalAnswer, ApprovalRequest } from '../../workspace/approval.js';
import { MODES, type Mode } from '../../workspace/permissions/types.js';
import type { Config } from '../config.js';
import { runSlashCommand, SLASH_COMMANDS } from '../slash-commands.js';
import { prepareCommand, type PreparedCommand } from '../../session/command-prompt.js';
import { createTerminalBashTool } from './terminal-bash.js';
import { replayUpdates, taskEndUpdate, taskStartUpdate, toolDiff, toolKind, toolTitle, UpdateMapper } from './updates.js';

export interface AcpOptions {
  /** The configuration every session starts from; session/new and session/load set its cwd. */
  config: Config;
  version: string;
  log: (line: string) => void;
}

const MODE_NAMES: Record<Mode, string> = {
  default: 'Ask before edits and commands',
  acceptEdits: 'Accept edits',
  plan: 'Plan only',
  bypassPermissions: 'Bypass permissions',
};

interface Live {
  session: Session<Config>;
  turn?: AbortController;
  /** Editor terminals running bash calls, by tool call id. */
  terminals: Map<string, string>;
}

/** Serves ACP on stdin/stdout until the editor closes the connection. */
export async function serveAcp(opts: AcpOptions): Promise<number> {
  const live = new Map<string, Live>();
  let clientCaps: acp.ClientCapabilities | undefined;
  const app = acp.agent({ name: 'tandem' });

  const open = async (cwd: string, client: acp.AgentContext, resume?: string): Promise<Live> => {
    const config: Config = { ...opts.config, cwd, allow: [...opts.config.allow], deny: [...opts.config.deny] };
    let sessionId = '';
    const session = await Session.open(config, {
      version: opts.version, interactive: true, resume: resume ? { id: resume } : undefined, log: opts.log,
      fileIO: editorFileIO(client, clientCaps, () => sessionId),
    });
    sessionId = session.id;
    const entry: Live = { session, terminals: new Map() };
    live.set(session.id, entry);
    const update = (u: acp.SessionUpdate) => void client.notify(acp.methods.client.session.update, { sessionId: session.id, update: u }).catch(() => {});
    session.onPermissionRequest((request, signal) => askEditor(client, session.id, session.workspaceRoot, request, signal));
    // Commands in the editor's terminals when it offers them, unless a sandbox must contain them.
    const builtIn = session.tools.find((t) => t.name === 'bash');
    if (clientCaps?.terminal && builtIn && !session.runtime.sandboxed) {
      session.runtime.replaceTool(createTerminalBashTool({
        client, sessionId: () => sessionId, cwd: session.workspaceRoot, builtIn,
        onTerminal: (toolCallId, terminalId) => {
          entry.terminals.set(toolCallId, terminalId);
          update({ sessionUpdate: 'tool_call_update', toolCallId, content: [{ type: 'terminal', terminalId }] });
        },
      }));
    }
    session.tasks.on('start', (t) => { if (!t.foreground) update(taskStartUpdate(t)); });
    session.tasks.on('backgrounded', (t) => update(taskStartUpdate(t)));
    session.tasks.on('notice', (n) => update(taskEndUpdate(n.task, n.tail)));
    return entry;
  };

  const sessionState = (session: Session<Config>) => ({
    modes: {
      currentModeId: session.permissionMode,
      availableModes: MODES.map((id) => ({ id, name: MODE_NAMES[id] })),
    },
    configOptions: [modelOption(session.model)],
  });

  const announcedAfterMcp = new Set<string>();
  const announceCommands = (client: acp.AgentContext, sessionId: string): void => {
    const builtIn = Object.entries(SLASH_COMMANDS)
      .filter(([cmd]) => !cmd.startsWith('/exit'))
      .map(([cmd, description]) => {
        const [name, ...hint] = cmd.slice(1).split(' ');
        return { name: name!, description, ...(hint.length ? { input: { hint: hint.join(' ') } } : {}) };
      });
    const custom = (live.get(sessionId)?.session.runtime.commands.list() ?? [])
      .filter((c) => !builtIn.some((b) => `/${b.name}` === c.name))
      .map((c) => ({ name: c.name.slice(1), description: c.description, ...(c.argumentHint ? { input: { hint: c.argumentHint } } : {}) }));
    const mcp = live.get(sessionId)?.session.runtime.mcp;
    // MCP prompts (`/mcp__SERVER__PROMPT`): known once their servers have started, so announced again then.
    const prompts = (mcp?.prompts() ?? []).map((p) => ({
      name: p.command.slice(1), description: p.description,
      ...(p.arguments.length ? { input: { hint: p.arguments.map((a) => (a.required ? a.name : `[${a.name}]`)).join(' ') } } : {}),
    }));
    if (mcp && !announcedAfterMcp.has(sessionId)) {
      announcedAfterMcp.add(sessionId);
      void mcp.start().then(() => { if (mcp.prompts().length) announceCommands(client, sessionId); });
    }
    const availableCommands = [...builtIn, ...custom, ...prompts];
    // Sent after the response, so the editor knows the session by then.
    setImmediate(() => void client.notify(acp.methods.client.session.update, {
      sessionId, update: { sessionUpdate: 'available_commands_update', availableCommands },
    }).catch(() => {}));
  };

  const get = (sessionId: string): Live => {
    const entry = live.get(sessionId);
    if (!entry) throw acp.RequestError.invalidParams({ sessionId }, `no session ${sessionId} in this connection`);
    return entry;
  };

  app.onRequest(acp.methods.agent.initialize, ({ params }) => {
    clientCaps = params.clientCapabilities;
    return {
      protocolVersion: acp.PROTOCOL_VERSION,
      agentCapabilities: { loadSession: true, promptCapabilities: { image: true, embeddedContext: true }, mcpCapabilities: { http: true, sse: true } },
      agentInfo: { name: 'tandem', version: opts.version },
      authMethods: [],
    };
  });

  app.onRequest(acp.methods.agent.session.new, async ({ params, client }) => {
    const { session } = await open(params.cwd, client);
    await session.runtime.addMcpServers(mcpServersFromEditor(params.mcpServers));
    announceCommands(client, session.id);
    return { sessionId: session.id, ...sessionState(session) };
  });

  app.onRequest(acp.methods.agent.session.load, async ({ params, client }) => {
    const { session } = await open(params.cwd, client, params.sessionId);
    await session.runtime.addMcpServers(mcpServersFromEditor(params.mcpServers));
    for (const update of replayUpdates(session.messages, session.workspaceRoot)) {
      await client.notify(acp.methods.client.session.update, { sessionId: session.id, update });
    }
    announceCommands(client, session.id);
    return sessionState(session);
  });

  app.onRequest(acp.methods.agent.session.prompt, async ({ params, client }) => {
    const entry = get(params.sessionId);
    const { session } = entry;
    const send = (update: acp.SessionUpdate) => void client.notify(acp.methods.client.session.update, { sessionId: session.id, update }).catch(() => {});
    const blocks = promptBlocks(params.prompt);
    const text = blocks.length === 1 && blocks[0]!.type === 'text' ? blocks[0]!.text.trim() : '';
    if (text.startsWith('/') && Object.keys(SLASH_COMMANDS).some((c) => c.split(' ')[0] === text.split(/\s/)[0])) {
      const reply = await runSlashCommand(text, session.runtime);
      send({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: reply.text } });
      return { stopReason: 'end_turn' };
    }
    const turn = new AbortController();
    entry.turn = turn;
    const mapper = new UpdateMapper(session.workspaceRoot, send, (id) => entry.terminals.get(id));
    let prepared: PreparedCommand | undefined;
    try {
      // A custom command goes to the model as its expansion; what it ran and attached is told to the editor.
      if (text.startsWith('/')) {
        try {
          prepared = await prepareCommand(session.runtime, text, turn.signal);
        } catch (err) {
          send({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: (err as Error).message } });
          return { stopReason: 'end_turn' };
        }
        if (prepared?.notes.length) send({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: prepared.notes.join('\n') } });
      }
      session.runtime.addUserMessage(prepared ? prepared.content : blocks);
      const result = await session.runtime.runTurn({ signal: turn.signal, emit: (e) => mapper.onEvent(e) });
      return { stopReason: stopReason(result.outcome, turn.signal.aborted) };
    } finally {
      await prepared?.finish();
      entry.turn = undefined;
    }
  });

  app.onNotification(acp.methods.agent.session.cancel, ({ params }) => {
    live.get(params.sessionId)?.turn?.abort(new Error('cancelled by the editor'));
  });

  app.onRequest(acp.methods.agent.session.setMode, async ({ params, client }) => {
    const { session } = get(params.sessionId);
    if (!(MODES as readonly string[]).includes(params.modeId)) throw acp.RequestError.invalidParams({ modeId: params.modeId }, `unknown mode; tandem has ${MODES.join(', ')}`);
    session.setPermissionMode(params.modeId as Mode);
    await client.notify(acp.methods.client.session.update, { sessionId: session.id, update: { sessionUpdate: 'current_mode_update', currentModeId: params.modeId } });
    return {};
  });

  app.onRequest(acp.methods.agent.session.setConfigOption, ({ params }) => {
    const { session } = get(params.sessionId);
    if (params.configId !== 'model' || typeof params.value !== 'string') {
      throw acp.RequestError.invalidParams({ configId: params.configId }, 'tandem has one option: "model"');
    }
    session.setModel(params.value);
    return { configOptions: [modelOption(session.model)] };
  });

  const connection = app.connect(acp.ndJsonStream(
    Writable.toWeb(process.stdout) as WritableStream<Uint8Array>,
    Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>,
  ));
  await connection.closed.catch(() => {});
  await Promise.all([...live.values()].map((l) => l.session.close()));
  return 0;
}

/**
 * The editor's file system, when it offers one: reads see its buffers (unsaved edits included) and writes land
 * in them. A read the editor cannot answer (no such file) falls back to the disk, which says why.
 */
function editorFileIO(client: acp.AgentContext, caps: acp.ClientCapabilities | undefined, sessionId: () => string): FileIO | undefined {
  if (!caps?.fs?.readTextFile && !caps?.fs?.writeTextFile) return undefined;
  return {
    readText: caps.fs.readTextFile
      ? async (abs) => (await client.request(acp.methods.client.fs.readTextFile, { sessionId: sessionId(), path: abs }).catch(() => undefined))?.content
      : undefined,
    writeText: caps.fs.writeTextFile
      ? async (abs, text) => {
        await client.request(acp.methods.client.fs.writeTextFile, { sessionId: sessionId(), path: abs, content: text });
        return true;
      }
      : undefined,
  };
}

function modelOption(model: string): acp.SessionConfigOption {
  return {
    id: 'model', name: 'Model', category: 'model', type: 'select', currentValue: model,
    options: [{ value: model, name: model }],
  };
}

function stopReason(outcome: string, cancelled: boolean): acp.StopReason {
  if (cancelled || outcome === 'aborted') return 'cancelled';
  if (outcome === 'max_turns') return 'max_turn_requests';
  if (outcome === 'max_tokens') return 'max_tokens';
  if (outcome === 'refusal') return 'refusal';
  return 'end_turn';
}

/** ACP prompt content as the model's: text, images, and resources (an editor's attached files) as text. */
function promptBlocks(prompt: acp.ContentBlock[]): ContentBlock[] {
  const out: ContentBlock[] = [];
  for (const b of prompt) {
    if (b.type === 'text') out.push({ type: 'text', text: b.text });
    else if (b.type === 'image' && ['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(b.mimeType)) {
      out.push({ type: 'image', source: { type: 'base64', media_type: b.mimeType as 'image/png', data: b.data } });
    } else if (b.type === 'resource' && 'text' in b.resource) {
      out.push({ type: 'text', text: `<file uri="${b.resource.uri}">\n${b.resource.text}\n</file>` });
    } else if (b.type === 'resource_link') out.push({ type: 'text', text: `@${b.uri}` });
  }
  return out.length ? out : [{ type: 'text', text: '' }];
}

/** session/request_permission: allow once, allow always (when a rule would do it), or reject. */
async function askEditor(
  client: acp.AgentContext, sessionId: string, root: string, request: ApprovalRequest, signal?: AbortSignal,
): Promise<ApprovalAnswer> {
  const options: acp.PermissionOption[] = [
    { optionId: 'allow_once', name: 'Allow', kind: 'allow_once' },
    ...(request.suggestedRule ? [{ optionId: 'allow_always', name: `Always allow ${request.suggestedRule}`, kind: 'allow_always' as const }] : []),
    { optionId: 'reject_once', name: 'Reject', kind: 'reject_once' },
  ];
  const cancelled = { outcome: { outcome: 'cancelled' as const } };
  // A cancelled turn stops waiting for the answer (the editor is told through session/cancel's outcome).
  const aborted = new Promise<typeof cancelled>((resolve) => {
    if (signal?.aborted) resolve(cancelled);
    signal?.addEventListener('abort', () => resolve(cancelled), { once: true });
  });
  const asked = client.request(acp.methods.client.session.requestPermission, {
    sessionId,
    toolCall: {
      toolCallId: request.toolUseId ?? 'unknown', title: toolTitle(request.tool, request.summary), kind: toolKind(request.tool),
      status: 'pending', rawInput: request.input, content: toolDiff(request.tool, request.input, root),
    },
    options,
  }).catch(() => cancelled);
  const { outcome } = await Promise.race([asked, aborted]);
  if (outcome.outcome === 'selected' && outcome.optionId === 'allow_once') return { kind: 'once' };
  if (outcome.outcome === 'selected' && outcome.optionId === 'allow_always') return { kind: 'always' };
  return { kind: 'deny', reason: outcome.outcome === 'cancelled' ? 'the editor cancelled the question' : undefined };
}
