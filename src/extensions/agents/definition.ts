// A subagent type: what the model picks with the agent tool's agent_type. Built in, or from a Markdown file
// (front matter name, description, tools, model; the body is its system prompt), as Claude Code's are.

export interface AgentDefinition {
  name: string;
  description: string;
  /** Tool names (tandem's or Claude Code's: Read, Bash, …); absent: every tool but agent. */
  tools?: string[];
  /** MODEL or PROVIDER/MODEL; absent or "inherit": the session's model. */
  model?: string;
  /** Its system prompt; absent: tandem's own. */
  prompt?: string;
  /** Where it came from: "built-in" or the file's path. */
  source: string;
}

export const GENERAL_PURPOSE: AgentDefinition = {
  name: 'general-purpose',
  description: 'Researches, searches code and does multi-step work on its own with every tool; use it when a task would fill your context with details.',
  source: 'built-in',
};
