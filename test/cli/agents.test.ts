// End to end through the built binary: the agent tool runs subagents (own context, tools, transcript) in the
// foreground and as background tasks whose notice carries the report once; kill; print-mode denials.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/types.js';
import { runTandem, testEnv } from '../support/cli.js';
import { scriptConversations } from '../support/conversations.js';
import { reply, systemText, toolResultsOf, withoutCacheControl } from '../support/model-server.js';
import { startOpenAIServer } from '../support/openai-server.js';
import { useScriptedServer } from '../support/scripted-server.js';

const t = useScriptedServer();
const BYPASS = ['--permission-mode', 'bypassPermissions'];
const noticeCount = (messages: unknown) => JSON.stringify(messages).split('<tandem-task-notice ').length - 1;
const toolNames = (body: { tools?: { name: string }[] }) => (body.tools ?? []).map((x) => x.name);

function subagentTranscripts(home: string): string[] {
  const projects = path.join(home, 'projects');
  const out: string[] = [];
  for (const ws of readdirSync(projects)) {
    for (const entry of readdirSync(path.join(projects, ws))) {
      if (!entry.endsWith('.agents')) continue;
      for (const f of readdirSync(path.join(projects, ws, entry))) out.push(path.join(projects, ws, entry, f));
    }
  }
  return out;
}

describe('the agent tool end to end', () => {
  it('runs a foreground subagent with its own context and tools and returns its final report', async () => {
    const conv = scriptConversations(t.server, {
      'SUB-TASK': [
        reply().tool('bash', { command: 'echo sub-ran' }, 'toolu_sub_bash'),
        reply().text('REPORT: the subagent saw sub-ran.'),
      ],
      'main prompt': [
        reply().tool('agent', { prompt: 'SUB-TASK: run echo and report', description: 'echo check' }, 'toolu_agent'),
        reply().text('Main done.'),
      ],
    });
    const env = testEnv(t.server.url);
    const run = await runTandem([...BYPASS, '-p', 'main prompt'], { cwd: t.cwd, env });
    expect(run.stderr).not.toMatch(/no conversation scripted|no scripted reply/);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Main done.\n');
    const [sub1, sub2] = conv.requests('SUB-TASK');
    // Its own context: its prompt alone, its own system prompt, every tool but agent.
    expect((sub1!.body.messages as Message[])).toHaveLength(1);
    expect(systemText(sub1!.body)).toContain('You are a subagent');
    expect(toolNames(sub1!.body)).toContain('bash');
    expect(toolNames(sub1!.body)).not.toContain('agent');
    expect(toolNames(conv.requests('main prompt')[0]!.body)).toContain('agent');
    expect(toolResultsOf(sub2!).toolu_sub_bash!.text).toContain('sub-ran');
    const result = toolResultsOf(conv.requests('main prompt')[1]!).toolu_agent!;
    expect(result.isError).toBe(false);
    expect(result.text).toContain('REPORT: the subagent saw sub-ran.');
    expect(result.text).toMatch(/subagent a1 \(general-purpose\), 1 tool call; resume: "/);
    // Its transcript is stored beside the session's.
    const [transcript] = subagentTranscripts(env.TANDEM_HOME!);
    expect(transcript).toBeDefined();
    expect(readFileSync(transcript!, 'utf8')).toContain('REPORT: the subagent saw sub-ran.');
  });

  it('runs a background subagent as a task whose notice carries its report, exactly once', async () => {
    const conv = scriptConversations(t.server, {
      'BG-SUB': [
        reply().tool('bash', { command: 'echo working' }),
        reply().text('BG-REPORT: all 3 checks pass.'),
      ],
      'main prompt': [
        reply().tool('agent', { prompt: 'BG-SUB: check things', description: 'check things', background: true }, 'toolu_agent'),
        reply().text('Started it; I will hear back.'),
        reply().text('The subagent reported.'),
      ],
    });
    const run = await runTandem([...BYPASS, '-p', 'main prompt'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('The subagent reported.\n');
    const main = conv.requests('main prompt');
    expect(main).toHaveLength(3);
    expect(toolResultsOf(main[1]!).toolu_agent!.text).toMatch(/Started background agent a1 \(general-purpose\)/);
    const last = withoutCacheControl(main[2]!.body.messages as Message[]);
    expect(noticeCount(last)).toBe(1);
    const notice = JSON.stringify(last.at(-1));
    expect(notice).toContain('kind=\\"agent\\"');
    expect(notice).toMatch(/background agent a1 \(general-purpose\) ended: finished, after 1 tool call/);
    expect(notice).toContain('BG-REPORT: all 3 checks pass.');
    expect(run.stderr).toMatch(/waiting for 1 background task\(s\): a1/);
  });

  it('shows a background subagent\'s progress in check_background and stops it with kill_background', async () => {
    const flag = path.join(t.cwd, 'sub-is-waiting');
    const conv = scriptConversations(t.server, {
      'SLOW-SUB': [
        reply().tool('bash', { command: 'echo step-one' }),
        () => {
          writeFileSync(flag, '');
          return reply().text('still thinking').hang();
        },
      ],
      'main prompt': [
        reply().tool('agent', { prompt: 'SLOW-SUB: take your time', description: 'slow work', background: true }),
        // Waits (in the shell) until the subagent is in its second request.
        reply().tool('bash', { command: `while [ ! -e ${flag} ]; do sleep 0.02; done; echo flagged` }),
        reply().tool('check_background', { task_id: 'a1' }, 'toolu_check'),
        reply().tool('kill_background', { task_id: 'a1' }, 'toolu_kill'),
        reply().text('Stopped it.'),
      ],
    });
    const run = await runTandem([...BYPASS, '-p', 'main prompt', '--output-format', 'json'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).result).toBe('Stopped it.');
    const main = conv.requests('main prompt');
    const check = toolResultsOf(main[3]!).toolu_check!.text;
    expect(check).toMatch(/^a1 \(slow work\): running for/);
    expect(check).toMatch(/1 tool call/);
    expect(check).toContain('→ bash echo step-one');
    const kill = toolResultsOf(main[4]!).toolu_kill!.text;
    expect(kill).toMatch(/a1 \(slow work\): killed by the model/);
    // Its end was reported by kill_background: no notice repeats it.
    expect(noticeCount(main[4]!.body.messages)).toBe(0);
    expect(conv.left()).toEqual({ 'SLOW-SUB': 0, 'main prompt': 0 });
  });

  it('denies a subagent\'s permission question in print mode with a clear result', async () => {
    const conv = scriptConversations(t.server, {
      'ASKING-SUB': [
        reply().tool('bash', { command: 'touch made-by-sub' }, 'toolu_touch'),
        reply().text('I could not create the file.'),
      ],
      'main prompt': [
        reply().tool('agent', { prompt: 'ASKING-SUB: create a file', description: 'make a file' }, 'toolu_agent'),
        reply().text('The subagent was not allowed.'),
      ],
    });
    const run = await runTandem(['-p', 'main prompt', '--output-format', 'json'], { cwd: t.cwd, env: testEnv(t.server.url) });
    const denied = toolResultsOf(conv.requests('ASKING-SUB')[1]!).toolu_touch!;
    expect(denied.isError).toBe(true);
    expect(denied.text).toMatch(/Nobody can approve this in print mode, so it was denied/);
    expect(existsSync(path.join(t.cwd, 'made-by-sub'))).toBe(false);
    expect(run.stderr).toMatch(/agent a1 \(general-purpose\): denied bash/);
    const out = JSON.parse(run.stdout);
    expect(out.result).toBe('The subagent was not allowed.');
    expect(out.permission_denials).toHaveLength(1);
    expect(out.permission_denials[0].tool_name).toBe('Bash');
    expect(run.code).toBe(3);
  });

  it('resumes a finished subagent\'s conversation by its handle, in a later run of the session', async () => {
    scriptConversations(t.server, {
      'RESUME-SUB': [reply().text('Noted: the number is 42.')],
      'first prompt': [
        reply().tool('agent', { prompt: 'RESUME-SUB: remember the number 42', description: 'remember' }, 'toolu_first'),
        reply().text('Remembered.'),
      ],
    });
    const env = testEnv(t.server.url);
    const first = await runTandem([...BYPASS, '-p', 'first prompt'], { cwd: t.cwd, env });
    expect(first.code).toBe(0);
    const handle = /resume: "([\w-]+)"/.exec(toolResultsOf(t.server.requests[2]!).toolu_first!.text)?.[1];
    expect(handle).toBeDefined();
    const conv = scriptConversations(t.server, {
      'RESUME-SUB': [reply().text('It was 42.')],
      'first prompt': [
        reply().tool('agent', { prompt: 'Which number was it?', description: 'recall', resume: handle }, 'toolu_second'),
        reply().text('The subagent recalled it.'),
      ],
    });
    const second = await runTandem([...BYPASS, '-c', '-p', 'second prompt'], { cwd: t.cwd, env });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('The subagent recalled it.\n');
    const sub = conv.requests('RESUME-SUB')[0]!.body.messages as Message[];
    expect(sub.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(sub[1])).toContain('Noted: the number is 42.');
    expect(JSON.stringify(sub[2])).toContain('Which number was it?');
    expect(toolResultsOf(conv.requests('first prompt')[1]!).toolu_second!.text).toContain('It was 42.');
    // One transcript, continued.
    expect(subagentTranscripts(env.TANDEM_HOME!)).toHaveLength(1);
  });

  it('answers an unknown subagent type with the types there are', async () => {
    scriptConversations(t.server, {
      'main prompt': [
        reply().tool('agent', { prompt: 'x', description: 'x', agent_type: 'nonexistent' }, 'toolu_bad'),
        reply().text('ok'),
      ],
    });
    const run = await runTandem([...BYPASS, '-p', 'main prompt'], { cwd: t.cwd, env: testEnv(t.server.url) });
    expect(run.code).toBe(0);
    const bad = toolResultsOf(t.server.requests[1]!).toolu_bad!;
    expect(bad.isError).toBe(true);
    expect(bad.text).toBe('There is no subagent type "nonexistent". Types: general-purpose.');
  });

  it('runs a subagent on another provider\'s model (model: PROVIDER/MODEL), its usage apart', async () => {
    const openai = await startOpenAIServer();
    try {
      openai.enqueue(reply().text('GPT-SUB-REPORT: done on the other provider.'));
      scriptConversations(t.server, {
        'main prompt': [
          reply().tool('agent', { prompt: 'summarise', description: 'other model', model: 'openai/gpt-5.1' }, 'toolu_other'),
          reply().text('Both providers used.'),
        ],
      });
      const env = testEnv(t.server.url, { OPENAI_API_KEY: 'sk-test-openai', OPENAI_BASE_URL: openai.url });
      const run = await runTandem([...BYPASS, '-p', 'main prompt', '--output-format', 'json'], { cwd: t.cwd, env });
      expect(run.code).toBe(0);
      expect(openai.calls).toHaveLength(1);
      expect(JSON.stringify(openai.calls[0]!.body)).toContain('summarise');
      expect((openai.calls[0]!.body as { model?: string }).model).toBe('gpt-5.1');
      expect(toolResultsOf(t.server.requests[1]!).toolu_other!.text).toContain('GPT-SUB-REPORT: done on the other provider.');
      // The session's transcript records the subagent's usage apart, under its own model.
      const projects = path.join(env.TANDEM_HOME!, 'projects');
      const dir = path.join(projects, readdirSync(projects)[0]!);
      const session = readdirSync(dir).find((f) => f.endsWith('.jsonl'))!;
      const usage = readFileSync(path.join(dir, session), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.type === 'usage');
      expect(usage.filter((r) => r.agent).map((r) => [r.agent, r.model])).toEqual([['a1 (general-purpose)', 'openai/gpt-5.1']]);
      expect(usage.filter((r) => !r.agent)).toHaveLength(2);
    } finally {
      await openai.close();
    }
  });

  it('says what is wrong when the subagent\'s model cannot be used', async () => {
    scriptConversations(t.server, {
      'main prompt': [
        reply().tool('agent', { prompt: 'x', description: 'x', model: 'openai/gpt-5.1' }, 'toolu_nokey'),
        reply().text('ok'),
      ],
    });
    const run = await runTandem([...BYPASS, '-p', 'main prompt'], { cwd: t.cwd, env: testEnv(t.server.url, { OPENAI_API_KEY: undefined }) });
    expect(run.code).toBe(0);
    const bad = toolResultsOf(t.server.requests[1]!).toolu_nokey!;
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/^Cannot use model openai\/gpt-5\.1 for the subagent: .*OPENAI_API_KEY/);
  });

  describe('subagent types from agent files', () => {
    const writeAgents = (home: string) => {
      mkdirSync(path.join(t.cwd, '.claude', 'agents'), { recursive: true });
      writeFileSync(path.join(t.cwd, '.claude', 'agents', 'reviewer.md'), [
        '---', 'name: reviewer', 'description: Reviews a change for bugs before it lands', 'tools: Read, Grep',
        'model: claude-haiku-4-5', '---', 'You are a strict code reviewer. REVIEWER-PROMPT-MARK', '',
      ].join('\n'));
      mkdirSync(path.join(home, 'agents'), { recursive: true });
      writeFileSync(path.join(home, 'agents', 'helper.md'), '---\ndescription: The user\'s own helper\n---\nHELPER-PROMPT-MARK\n');
    };
    const agentToolDescription = (i: number) =>
      ((t.server.requests[i]!.body.tools ?? []) as { name: string; description: string }[]).find((x) => x.name === 'agent')!.description;

    it('lists project and user types by name and description, and runs one with its prompt, tools and model', async () => {
      const env = testEnv(t.server.url);
      writeAgents(env.TANDEM_HOME!);
      const conv = scriptConversations(t.server, {
        'REVIEW-IT': [reply().text('Looks fine.')],
        'main prompt': [
          reply().tool('agent', { prompt: 'REVIEW-IT: the diff', description: 'review', agent_type: 'reviewer' }, 'toolu_review'),
          reply().text('Reviewed.'),
        ],
      });
      const run = await runTandem([...BYPASS, '--trust', '-p', 'main prompt'], { cwd: t.cwd, env });
      expect(run.code).toBe(0);
      const description = agentToolDescription(0);
      expect(description).toContain('- general-purpose: ');
      expect(description).toContain('- reviewer: Reviews a change for bugs before it lands');
      expect(description).toContain("- helper: The user's own helper");
      const sub = conv.requests('REVIEW-IT')[0]!;
      expect(systemText(sub.body)).toContain('REVIEWER-PROMPT-MARK');
      expect(systemText(sub.body)).not.toContain('You are tandem');
      expect(toolNames(sub.body).sort()).toEqual(['grep', 'read_file']);
      expect(sub.body.model).toBe('claude-haiku-4-5');
      expect(toolResultsOf(conv.requests('main prompt')[1]!).toolu_review!.text).toMatch(/Looks fine\.[\s\S]*subagent a1 \(reviewer\)/);
    });

    it('leaves out the project\'s agent files in an untrusted workspace, and says so', async () => {
      const env = testEnv(t.server.url);
      writeAgents(env.TANDEM_HOME!);
      scriptConversations(t.server, { 'main prompt': [reply().text('ok')] });
      const run = await runTandem([...BYPASS, '-p', 'main prompt'], { cwd: t.cwd, env });
      expect(run.code).toBe(0);
      const description = agentToolDescription(0);
      expect(description).not.toContain('reviewer');
      expect(description).toContain('- helper: ');
      expect(run.stderr).toMatch(/not trusted[\s\S]*\.claude\/agents: 1 subagent type/);
    });
  });
});
