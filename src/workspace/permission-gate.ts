// The loop's authorize hook: maps each tool call to what it would do (run a command, read or write a file),
// asks the permission policy, and on "ask" puts the question to the person, or denies where nobody can answer.
import { createTwoFilesPatch } from 'diff';
import { readFile } from 'node:fs/promises';
import type { Authorize } from '../core/tool-calls.js';
import { toolResultText } from '../core/text.js';
import type { ToolResult, ToolUseBlock } from '../core/types.js';
import { addAllowRule, type AccessRequest, type Decision, type PermissionPolicy } from './permissions/index.js';
import { isInside, resolveInWorkspace, type Workspace } from './paths.js';
import type { ApprovalRequest, Approver } from './approval.js';

export interface PermissionGateOptions {
  policy: PermissionPolicy;
  workspace: Workspace;
  /** tandem's own folders (task logs): reading them needs no rule. */
  ownReadRoots: string[];
  /** Absent in print mode: "ask" then becomes a denial. */
  approver?: Approver;
  log: (line: string) => void;
  /** Told of each rule saved by a "yes, always" (the runtime remembers it outside the workspace). */
  onAlwaysAllowed?: (rule: string) => Promise<void>;
  /** Told of every call that was not allowed to run (rule, mode or person), for reports such as the SDK's. */
  onDenied?: (call: ToolUseBlock, tool: string, message: string) => void;
}

const COMMAND_TOOLS = new Set(['bash', 'background_run']);
const WRITE_TOOLS = new Set(['write_file', 'edit_file']);
const READ_TOOLS = new Set(['read_file', 'grep', 'glob', 'ls']);

export function createPermissionGate(opts: PermissionGateOptions): Authorize {
  // One question at a time, even when calls run concurrently.
  let asking: Promise<unknown> = Promise.resolve();
  return async (call, tool, signal) => {
    const input = (call.input ?? {}) as Record<string, unknown>;
    const access = await accessOf(tool.name, input, opts);
    if (!access) return undefined;
    const decision = await opts.policy.check(access);
    if (decision.decision === 'allow') return undefined;
    const denied = (result: ToolResult): ToolResult => {
      opts.onDenied?.(call, tool.name, toolResultText(result.content));
      return result;
    };
    if (decision.decision === 'deny' || !opts.approver) return denied(denial(tool.name, decision));
    const request = { ...(await approvalRequest(tool.name, input, access, decision)), toolUseId: call.id, input };
    const turn = asking.then(() => opts.approver!(request, signal));
    asking = turn.catch(() => {});
    const answer = await turn;
    if (answer.kind === 'deny') {
      const why = answer.reason ? ` They said: "${answer.reason}"` : '';
      return denied({ content: answer.message ?? `The user denied permission for this ${tool.name} call.${why}`, isError: true });
    }
    // The tool runs with the input the approver gave (the conversation records what ran).
    if (answer.kind === 'once' && answer.updatedInput) call.input = answer.updatedInput;
    if (answer.kind === 'always') {
      for (const rule of decision.suggestions ?? []) {
        opts.policy.addRule(rule);
        const saved = await addAllowRule(opts.workspace.root, rule);
        await opts.onAlwaysAllowed?.(rule);
        opts.log(`allowed from now on: ${rule} (saved to ${saved.file})`);
      }
    }
    return undefined;
  };
}

async function accessOf(tool: string, input: Record<string, unknown>, opts: PermissionGateOptions): Promise<AccessRequest | undefined> {
  if (COMMAND_TOOLS.has(tool)) {
    return typeof input.command === 'string' ? { kind: 'command', command: input.command, cwd: opts.workspace.root } : undefined;
  }
  if (tool === 'web_fetch') return fetchAccess(input.url);
  // MCP servers' tools: judged by name (rules like mcp__github or mcp__github__create_issue).
  if (tool.startsWith('mcp__')) return { kind: 'tool', tool };
  if (typeof input.path !== 'string') return undefined;
  const write = WRITE_TOOLS.has(tool);
  if (!write && !READ_TOOLS.has(tool)) return undefined;
  let resolved: string;
  try {
    resolved = await resolveInWorkspace(opts.workspace, input.path, write ? 'write' : 'read');
  } catch {
    return undefined; // the tool itself refuses paths outside the workspace, with a clearer message
  }
  if (!write && opts.ownReadRoots.some((root) => isInside(root, resolved))) return undefined;
  return { kind: write ? 'write' : 'read', path: resolved };
}

function fetchAccess(url: unknown): AccessRequest | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    return { kind: 'fetch', url, host: parsed.hostname.toLowerCase() };
  } catch {
    return undefined; // the tool refuses an invalid URL itself
  }
}

function denial(tool: string, decision: Decision): ToolResult {
  return { content: `Permission denied for ${tool}: ${decision.reason}`, isError: true };
}

async function approvalRequest(
  tool: string, input: Record<string, unknown>, access: AccessRequest, decision: Decision,
): Promise<ApprovalRequest> {
  const base = { tool, reason: decision.reason, suggestedRule: decision.suggestion };
  if (access.kind === 'tool') return { ...base, summary: `${tool} ${oneLineJson(input)}` };
  if (access.kind === 'command') {
    const asking = (decision.parts ?? []).filter((p) => p.decision !== 'allow');
    const whyParts = asking.map((p) => p.reason.replace(/^needs approval: /, '').replace(/, so it needs approval$/, ''));
    return { ...base, summary: access.command, command: { text: access.command, partsNeedingApproval: asking.map((p) => p.text), whyParts } };
  }
  if (access.kind === 'fetch') return { ...base, summary: access.url };
  return { ...base, summary: String(input.path), diff: await diffOf(tool, input, access.path) };
}

function oneLineJson(input: Record<string, unknown>): string {
  const text = JSON.stringify(input) ?? '';
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** The change a write_file or edit_file call would make, as a unified diff. */
async function diffOf(tool: string, input: Record<string, unknown>, file: string): Promise<string> {
  const before = await readFile(file, 'utf8').catch(() => '');
  let after = before;
  if (tool === 'write_file') after = String(input.content ?? '');
  else if (typeof input.old_text === 'string' && typeof input.new_text === 'string') {
    after = input.replace_all
      ? before.split(input.old_text).join(input.new_text)
      : before.replace(input.old_text, () => input.new_text as string);
  }
  return createTwoFilesPatch(String(input.path), String(input.path), before, after, '', '', { context: 3 });
}
