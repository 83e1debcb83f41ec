// Runs subagents for the agent tool: each has its own conversation, tools (the session's, less `agent`, or
// its type's list), model and system prompt, runs the same loop, asks permission under its own name, and keeps
// its own transcript beside the session's (resumable). Its usage counts toward the session and is kept apart.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HARNESS_PREFIX, runAgent } from '../core/agent-loop.js';
import type { HarnessMark } from '../core/harness-mark.js';
import type { AgentEvent, AgentResult } from '../core/events.js';
import { appendUserContent } from '../core/messages.js';
import type { Authorize } from '../core/tool-calls.js';
import { addUsage, emptyUsage, type AgentTool, type ContentBlock, type Message, type Model, type Usage } from '../core/types.js';
import { GENERAL_PURPOSE, type AgentDefinition } from '../extensions/agents/definition.js';
import type { AgentTaskControl, AgentTaskOutcome } from '../tasks/agent-task.js';
import type { TaskManager } from '../tasks/task-manager.js';
import type { TaskSnapshot } from '../tasks/types.js';
import type { SubagentRequest, SubagentRunner } from '../tools/agent.js';
import { tandemToolsFor } from '../tools/claude-names.js';
import { TranscriptRecorder } from './recorder.js';
import { loadTranscript } from './transcript-load.js';
import { TranscriptWriter } from './transcript-writer.js';

export interface SubagentDeps {
  /** The session's harness mark: a subagent's notes carry it and its tool output is shielded from it. */
  mark?: HarnessMark;
  tasks: TaskManager;
  /** The types on offer; the built-in general-purpose one is added when no file defines it. */
  definitions: AgentDefinition[];
  /** The session's tools as they are now (custom and replaced tools included). */
  tools: () => AgentTool[];
  /** The session's model and its qualified id, as they are now (after /model). */
  model: () => { model: Model; id: string };
  /** Another model by spec (MODEL or PROVIDER/MODEL); rejects with a message saying what is wrong. */
  modelFor: (spec: string) => Promise<{ model: Model; id: string }>;
  /** The system prompt: tandem's own, or `override` in its place, with `append` after. */
  system: (opts: { override?: string; append: string }) => string;
  maxTokens: () => number;
  /** The permission gate for calls made by the subagent `label` ("a1 (explore)"). */
  authorizeFor: (label: string) => Authorize;
  /** A subagent request's usage: counted in the session's total and, apart, by subagent. */
  recordUsage: (label: string, model: string, usage: Usage) => void;
  /** Where subagent transcripts go: `<session transcript without .jsonl>.agents/`. */
  transcriptDir: string;
  cwd: string;
  version: string;
  redact: (text: string) => string;
  log: (line: string) => void;
  /**
   * The SubagentStop hooks, when a subagent has answered: resolves with the reason it must go on (its next
   * instruction), or undefined to let it stop. `stopHookActive`: it is already going on because of one.
   */
  subagentStop?: (info: { id: string; agentType: string; transcriptPath: string; stopHookActive: boolean }, signal: AbortSignal) => Promise<string | undefined>;
  maxTurns?: number;
}

const SUBAGENT_NOTE = `You are a subagent: another agent handed you the task in the first message and sees nothing of `
  + `your work but your final message. Work on your own (no one can answer questions), then end with a complete, `
  + `self-contained report of what you found or did: facts, file paths, commands and results it can act on.`;

const MAX_STOP_HOOK_CONTINUATIONS = 3;

export class Subagents implements SubagentRunner {
  readonly types: readonly AgentDefinition[];
  /** Conversations of this process's subagents, by resume handle. */
  readonly #conversations = new Map<string, Message[]>();
  /** Usage by subagent label, by model (for /cost). */
  readonly usageByAgent: Record<string, Record<string, Usage>>;

  constructor(private readonly deps: SubagentDeps, usageByAgent: Record<string, Record<string, Usage>> = {}) {
    const defs = [...deps.definitions];
    if (!defs.some((d) => d.name === GENERAL_PURPOSE.name)) defs.unshift(GENERAL_PURPOSE);
    this.types = defs;
    this.usageByAgent = structuredClone(usageByAgent);
  }

  async start(request: SubagentRequest, opts: { foreground: boolean }): Promise<TaskSnapshot> {
    const def = this.#definition(request.agentType);
    const spec = request.model ?? (def.model && def.model !== 'inherit' ? def.model : undefined);
    const chosen = spec ? await this.deps.modelFor(spec) : this.deps.model();
    const prior = request.resume ? this.#prior(request.resume) : undefined;
    const handle = prior?.handle ?? `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const transcriptPath = path.join(this.deps.transcriptDir, `${handle}.jsonl`);
    const tools = this.#toolsFor(def);
    return this.deps.tasks.startAgent({
      description: request.description,
      agentType: def.name,
      model: chosen.id,
      transcriptPath,
      foreground: opts.foreground,
      run: (control) => this.#run({ def, request, model: chosen, tools, control, handle, transcriptPath, prior: prior?.messages }),
    });
  }

  #definition(name: string | undefined): AgentDefinition {
    const wanted = name ?? GENERAL_PURPOSE.name;
    const def = this.types.find((d) => d.name === wanted) ?? this.types.find((d) => d.name.toLowerCase() === wanted.toLowerCase());
    if (!def) throw new Error(`There is no subagent type "${wanted}". Types: ${this.types.map((d) => d.name).join(', ')}.`);
    return def as AgentDefinition;
  }

  #toolsFor(def: AgentDefinition): AgentTool[] {
    // One level only: a subagent never gets the agent tool.
    const all = this.deps.tools().filter((t) => t.name !== 'agent');
    if (!def.tools?.length) return all;
    const known = all.map((t) => t.name);
    const names = new Set(def.tools.flatMap((n) => tandemToolsFor(n.replace(/\(.*$/s, '').trim(), known) ?? []));
    return all.filter((t) => names.has(t.name));
  }

  #prior(handle: string): { handle: string; messages: Message[] } {
    const safe = /^[A-Za-z0-9_-]+$/.test(handle) ? handle : undefined;
    const inMemory = safe ? this.#conversations.get(safe) : undefined;
    if (safe && inMemory) return { handle: safe, messages: structuredClone(inMemory) };
    const file = safe ? path.join(this.deps.transcriptDir, `${safe}.jsonl`) : undefined;
    if (!safe || !file || !existsSync(file)) {
      throw new Error(`There is no subagent to resume as "${handle}": give the resume handle a subagent's result ended with.`);
    }
    return { handle: safe, messages: loadTranscript(file).messages };
  }

  async #run(a: {
    def: AgentDefinition; request: SubagentRequest; model: { model: Model; id: string }; tools: AgentTool[];
    control: AgentTaskControl; handle: string; transcriptPath: string; prior?: Message[];
  }): Promise<AgentTaskOutcome> {
    const { def, request, control } = a;
    const id = control.id;
    const label = `${id} (${def.name})`;
    const messages: Message[] = a.prior ?? [];
    const writer = a.prior
      ? TranscriptWriter.reopen(a.transcriptPath, { model: a.model.id, version: this.deps.version }, { redact: this.deps.redact })
      : TranscriptWriter.create(a.transcriptPath, { id: a.handle, cwd: this.deps.cwd, model: a.model.id, version: this.deps.version }, {
        redact: this.deps.redact,
      });
    const recorder = new TranscriptRecorder(writer, messages, { model: a.model.id });
    appendUserContent(messages, [{ type: 'text', text: request.prompt }]);
    recorder.sync();
    const emit = (event: AgentEvent) => {
      recorder.onEvent(event);
      if (event.type === 'tool_start') control.toolCall(event.name, event.summary);
      else if (event.type === 'assistant_message') control.text(textOf(event.message.content));
      else if (event.type === 'usage') {
        this.#tally(label, a.model.id, event.usage);
        this.deps.recordUsage(label, a.model.id, event.usage);
      }
    };
    const loop = {
      model: a.model.model,
      tools: a.tools,
      system: this.deps.system({ override: def.prompt, append: SUBAGENT_NOTE }),
      maxTokens: this.deps.maxTokens(),
      maxTurns: this.deps.maxTurns,
      signal: control.signal,
      emit,
      authorize: this.deps.authorizeFor(label),
      mark: this.deps.mark,
    };
    let result: AgentResult;
    try {
      result = await runAgent(messages, loop);
      // A SubagentStop hook may send it on (a few times at most, so a hook cannot keep it going forever).
      for (let again = 0; result.outcome === 'end_turn' && this.deps.subagentStop && again < MAX_STOP_HOOK_CONTINUATIONS; again++) {
        const reason = await this.deps.subagentStop(
          { id, agentType: def.name, transcriptPath: a.transcriptPath, stopHookActive: again > 0 }, control.signal,
        );
        if (!reason) break;
        appendUserContent(messages, [{ type: 'text', text: `${this.deps.mark?.note ?? HARNESS_PREFIX} A SubagentStop hook says to go on: ${reason}` }]);
        result = await runAgent(messages, loop);
      }
    } finally {
      recorder.sync();
      writer.close();
      this.#conversations.set(a.handle, messages);
    }
    const outcome: AgentTaskOutcome = { report: result.text.trim() };
    if (result.outcome !== 'end_turn' && result.outcome !== 'aborted') {
      outcome.error = result.errorMessage ?? `it stopped (${result.outcome})`;
    }
    return outcome;
  }

  #tally(label: string, model: string, usage: Usage): void {
    const byModel = (this.usageByAgent[label] ??= {});
    byModel[model] = addUsage(byModel[model] ?? emptyUsage(), usage);
  }
}

function textOf(content: ContentBlock[]): string {
  return content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}
