// Shared types of tandem's permission system: modes, access requests and decisions. Pure types and constants.

/**
 * How much runs without asking. default: reads inside the workspace are free, writes and commands ask;
 * acceptEdits: writes inside the workspace are free too; plan: nothing is written and no command runs unless a
 * rule allows it; bypassPermissions: everything is allowed except what a deny or ask rule catches.
 */
export type Mode = (typeof MODES)[number];
export const MODES = ['default', 'acceptEdits', 'plan', 'bypassPermissions'] as const;

export type Verdict = 'allow' | 'ask' | 'deny';

/** One thing tandem is about to do. Paths are absolute; a command is judged by what it runs from `cwd`. */
export type AccessRequest =
  | { kind: 'command'; command: string; cwd: string }
  | { kind: 'read'; path: string }
  | { kind: 'write'; path: string }
  /** A web request (web_fetch); judged by WebFetch(domain:HOST) rules. */
  | { kind: 'fetch'; url: string; host: string }
  /** A tool judged by its name alone (MCP tools: `mcp__github__create_issue`). */
  | { kind: 'tool'; tool: string };

/** The verdict on one piece of a request: a simple command, a file a redirection writes or reads. */
export interface PartDecision {
  kind: 'command' | 'write' | 'read' | 'unparsed';
  /** The piece as the user would read it: `git push origin main`, `> /etc/passwd`. */
  text: string;
  /** The wrapper it was found inside: `bash -c`, `sudo`, `xargs`, `find -exec`, `tee`, `redirect`. */
  via?: string;
  decision: Verdict;
  reason: string;
  /** The rule that decided, with its source: `Bash(git push:*) from /home/me/.tandem/settings.json`. */
  rule?: string;
  /** A rule that would allow this piece, when one can. */
  suggestion?: string;
}

/**
 * The answer to an AccessRequest. `reason` is written for both the user and the model: which part of the
 * request, which rule or mode default decided. A command's decision is its strictest part's.
 */
export interface Decision {
  decision: Verdict;
  reason: string;
  rule?: string;
  /** The first of `suggestions`: a rule that would allow this ("yes, always" and print-mode denials). */
  suggestion?: string;
  /** Every rule needed to allow the request (one per part that asked), without duplicates. */
  suggestions?: string[];
  /** For commands: every simple command and file access found, in source order, with its own verdict. */
  parts?: PartDecision[];
}
