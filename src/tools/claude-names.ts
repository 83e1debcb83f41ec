// Claude Code's tool names, which programs written for it (SDK apps, rules, hook matchers) use, and tandem's
// tools that do each one's work.
const CLAUDE_NAME_OF: Record<string, string> = {
  bash: 'Bash',
  read_file: 'Read',
  write_file: 'Write',
  edit_file: 'Edit',
  grep: 'Grep',
  glob: 'Glob',
  ls: 'LS',
  web_fetch: 'WebFetch',
  check_background: 'BashOutput',
  kill_background: 'KillShell',
};

/** tandem's tools behind each Claude Code name. Bash brings the background tools: they are how it runs long work. */
const TANDEM_TOOLS_OF: Record<string, string[]> = {
  Bash: ['bash', 'background_run', 'check_background', 'wait_background', 'kill_background', 'write_background'],
  Read: ['read_file'],
  Write: ['write_file'],
  Edit: ['edit_file'],
  MultiEdit: ['edit_file'],
  Grep: ['grep'],
  Glob: ['glob'],
  LS: ['ls'],
  WebFetch: ['web_fetch'],
  BashOutput: ['check_background'],
  KillShell: ['kill_background'],
  KillBash: ['kill_background'],
  // Claude Code's subagent tool (Task, lately Agent) and its todo list.
  Task: ['agent'],
  Agent: ['agent'],
  TodoWrite: ['todo_write'],
};

/** The name a Claude Code program knows a tandem tool by (its own name when Claude Code has no such tool). */
export function claudeToolName(tool: string): string {
  return CLAUDE_NAME_OF[tool] ?? tool;
}

/** tandem's tools for a name given as Claude Code's (`Bash`) or tandem's (`bash`); undefined when unknown. */
export function tandemToolsFor(name: string, known: readonly string[]): string[] | undefined {
  if (TANDEM_TOOLS_OF[name]) return TANDEM_TOOLS_OF[name];
  return known.includes(name) ? [name] : undefined;
}

/** A rule written with a tandem tool name (`bash(npm test:*)`) in the form the rule engine reads (`Bash(...)`). */
export function ruleWithClaudeName(rule: string): string {
  const m = /^([A-Za-z_][\w-]*)(.*)$/s.exec(rule.trim());
  if (!m) return rule;
  const name = CLAUDE_NAME_OF[m[1]!];
  return name ? `${name}${m[2]}` : rule;
}
