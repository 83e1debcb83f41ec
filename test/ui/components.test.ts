// The UI's components rendered with ink-testing-library: what each shows for a given state.
import { createElement as h } from 'react';
import { render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { ApprovalDialog } from '../../src/cli/ui/components/approval-dialog.js';
import { HistoryItem } from '../../src/cli/ui/components/history-item.js';
import { LiveArea } from '../../src/cli/ui/components/live-area.js';
import { PromptView } from '../../src/cli/ui/components/prompt-view.js';
import { StatusLine } from '../../src/cli/ui/components/status-line.js';
import { TaskList } from '../../src/cli/ui/components/task-list.js';
import { statusView } from '../../src/cli/ui/status.js';
import type { TaskSnapshot } from '../../src/tasks/types.js';

afterEach(() => cleanup());

const frame = (el: ReturnType<typeof h>) => stripAnsi(render(el).lastFrame() ?? '');

const task = (over: Partial<TaskSnapshot>): TaskSnapshot => ({
  id: 'b1', command: 'npm run dev', status: 'running', startedAt: 0, runtimeMs: 63_000, outputBytes: 0,
  logPath: '/tmp/b1.log', tty: false, foreground: false, ...over,
});

describe('HistoryItem', () => {
  it('shows a finished tool call on one line with its status, first lines and the count of the rest', () => {
    const out = frame(h(HistoryItem, {
      width: 60,
      item: {
        id: 1, kind: 'tool', name: 'bash', summary: 'npm test -- --reporter verbose --run everything please', durationMs: 1234,
        outcome: { ok: false, status: 'exit 1', lines: ['FAIL a.test.ts', 'expected 1 to be 2'], more: 40 },
      },
    }));
    const lines = out.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^✗ bash npm test -- --reporter.*… · exit 1 · 1\.2s$/);
    expect(lines[0]!.length).toBeLessThanOrEqual(60);
    expect(out).toContain('│ FAIL a.test.ts');
    expect(out).toContain('│ … +40 lines');
  });

  it('shows prompts, notices and errors', () => {
    expect(frame(h(HistoryItem, { width: 80, item: { id: 1, kind: 'user', text: 'fix it' } }))).toContain('› fix it');
    expect(frame(h(HistoryItem, { width: 80, item: { id: 2, kind: 'notice', ok: true, text: 'task b1 exited with code 0: build' } })))
      .toContain('◆ task b1 exited with code 0: build');
    expect(frame(h(HistoryItem, { width: 80, item: { id: 3, kind: 'error', text: 'rate limited' } }))).toContain('✗ rate limited');
  });
});

describe('LiveArea', () => {
  it('shows running tools with a spinner, elapsed time and their latest output lines', () => {
    const out = frame(h(LiveArea, {
      busy: true, width: 80, maxRows: 10,
      live: { text: '', thinking: false, tools: [{ id: 't1', name: 'bash', summary: 'npm test', startedAt: Date.now() - 2500, progress: ['PASS a', 'PASS b'] }] },
    }));
    expect(out).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] bash npm test 2\.\ds/m);
    expect(out).toContain('│ PASS b');
  });

  it('never takes more rows than it is given, however long the streamed text', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `streamed line ${i}`).join('\n');
    const out = frame(h(LiveArea, { busy: true, width: 80, maxRows: 6, live: { text, thinking: false, tools: [] } }));
    const rows = out.split('\n');
    expect(rows.length).toBeLessThanOrEqual(6);
    expect(out).toContain('streamed line 4999');
    expect(out).toContain('working…');
  });

  it('says it is thinking before any text arrives', () => {
    expect(frame(h(LiveArea, { busy: true, turnStartedAt: Date.now(), width: 80, maxRows: 4, live: { text: '', thinking: true, tools: [] } })))
      .toMatch(/thinking… \d+ms \(Ctrl\+C to interrupt\)/);
  });
});

describe('PromptView', () => {
  it('draws the cursor and a window of a long input', () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const out = frame(h(PromptView, { editor: { text, cursor: text.length }, busy: false, queued: ['next thing'], width: 40, maxLines: 5 }));
    expect(out).toContain('queued: next thing');
    expect(out).toContain('↑ 25 more lines');
    expect(out).toContain('line 29');
    expect(out).not.toContain('line 24');
  });
});

describe('StatusLine', () => {
  it('shows model, context, tokens, cost, mode and the newest running tasks', () => {
    const status = statusView({
      model: 'claude-sonnet-4-6', mode: 'acceptEdits', contextWindow: 200_000, now: 10_000,
      lastUsage: { input_tokens: 50_000, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
      usageByModel: { 'claude-sonnet-4-6': { input_tokens: 100_000, output_tokens: 10_000, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } },
      tasks: [task({ id: 'b1', description: 'dev server' }), task({ id: 'b2', command: 'npm test', runtimeMs: 4000 }), task({ id: 'f1', foreground: true })],
    });
    const out = frame(h(StatusLine, { status, width: 100 }));
    expect(out).toContain('claude-sonnet-4-6 · ctx 25% · 110.0k tok · $0.45 · acceptEdits');
    expect(out).toContain('⚙ 2 running: b2 npm test 4s · b1 dev server 1m03s');
  });

  it('flashes a task that just ended', () => {
    const status = statusView({
      model: 'm', mode: 'default', contextWindow: 1, usageByModel: {}, tasks: [], now: Date.now(),
      flash: { task: task({ status: 'exited', exitCode: 2 }), at: Date.now() },
    });
    expect(frame(h(StatusLine, { status, width: 100 }))).toContain('b1 exited with code 2');
  });
});

describe('ApprovalDialog', () => {
  it('shows the command with the parts that need approval and the three answers', () => {
    const out = frame(h(ApprovalDialog, {
      width: 80, maxRows: 20,
      dialog: {
        step: 'choose', reason: { text: '', cursor: 0 },
        request: {
          tool: 'bash', summary: 'rm -rf build && npm test', reason: '`rm -rf build` needs approval',
          command: { text: 'rm -rf build && npm test', partsNeedingApproval: ['rm -rf build'] }, suggestedRule: 'Bash(rm:*)',
        },
      },
    }));
    expect(out).toContain('Permission needed: bash');
    expect(out).toContain('$ rm -rf build && npm test');
    expect(out).toContain('needs approval: rm -rf build');
    expect(out).toContain('[y] yes  [a] always (adds Bash(rm:*))  [n] no');
  });

  it('shows an edit as a diff, and the reason line after n', () => {
    const out = frame(h(ApprovalDialog, {
      width: 80, maxRows: 20,
      dialog: {
        step: 'reason', reason: { text: 'not now', cursor: 7 },
        request: { tool: 'edit_file', summary: 'a.txt', reason: 'writing needs approval', diff: '--- a.txt\n+++ a.txt\n@@ -1 +1 @@\n-old\n+new\n' },
      },
    }));
    expect(out).toContain('-old');
    expect(out).toContain('+new');
    expect(out).toContain('Tell the model why (Enter to send, empty to skip): not now');
  });
});

describe('TaskList', () => {
  it('lists tasks with the selection, or one task\'s log tail', () => {
    const tasks = [task({ id: 'b2', command: 'sleep 60' }), task({ id: 'b1', status: 'exited', exitCode: 0, runtimeMs: 1200 })];
    const list = frame(h(TaskList, { width: 80, maxRows: 12, view: { tasks, selected: 1 } }));
    expect(list).toMatch(/ {2}b2 +running +1m03s +sleep 60/);
    expect(list).toMatch(/› b1 +exit 0 +1\.2s +npm run dev/);
    const log = frame(h(TaskList, { width: 80, maxRows: 8, view: { tasks, selected: 0, viewing: { task: tasks[0]!, log: Array.from({ length: 50 }, (_, i) => `out ${i}`).join('\n') } } }));
    expect(log).toContain('b2 · running for 1m03s');
    expect(log).toContain('out 49');
    expect(log).not.toContain('out 30');
  });
});
