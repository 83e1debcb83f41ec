// The question a front end puts to the person when a permission rule says "ask", and the answer it returns.

export interface ApprovalRequest {
  /** The tool asking: bash, background_run, write_file, edit_file, ... */
  tool: string;
  /** One line: the command, or the path being written. */
  summary: string;
  /** For commands: the command, with the parts that need approval listed. */
  /** `whyParts[i]` says why `partsNeedingApproval[i]` asks ("no rule allows it"), without the word "approval". */
  command?: { text: string; partsNeedingApproval: string[]; whyParts?: string[] };
  /** For file writes: a unified diff of the change (may be empty for a new empty file). */
  diff?: string;
  /** Why it asks: which rule or mode default decided. */
  reason: string;
  /** The allow rule that "yes, always" would add, e.g. `Bash(npm test:*)`. */
  suggestedRule?: string;
  /** Set when a subagent asks: its id and type, e.g. "a1 (explore)". */
  agent?: string;
  /** The call's id and input as the model gave them (programs answering need them; people see the rest). */
  toolUseId?: string;
  input?: Record<string, unknown>;
}

export type ApprovalAnswer =
  /** Allow this call; a program answering may replace the call's input (the SDK's `updatedInput`). */
  | { kind: 'once'; updatedInput?: Record<string, unknown> }
  /** Allow, and save `suggestedRule` to .tandem/settings.local.json. */
  | { kind: 'always' }
  /** Deny; `reason` (optional) is passed to the model. */
  | { kind: 'deny'; reason?: string; /** A program's own words for the model, used as they are. */ message?: string };

/** Asks the person; resolves when they answer. Print mode has none (asks become denials). */
export type Approver = (request: ApprovalRequest, signal?: AbortSignal) => Promise<ApprovalAnswer>;
