// Benchmark: MCP's cost, through the built binary against the scripted model server.
// - Start-up: time to the first model request of `tandem -p` with no MCP configured (the SDK is never loaded),
//   with the reference "everything" server, and with a 120-tool server.
// - Catalogue: bytes of the first request's `tools` with 120 MCP tools, schemas deferred (the default past the
//   budget) and announced whole (TANDEM_MCP_SCHEMA_BUDGET raised), and whole requests' bytes.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reply, startModelServer } from '../test/support/model-server.js';
import { TANDEM_BIN, tempDir, testEnv } from '../test/support/cli.js';

const RUNS = 5;
const root = path.resolve(new URL('..', import.meta.url).pathname);
const EVERYTHING = path.join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const MANY = path.join(root, 'test/support/mcp/many-tools-server.mjs');

interface Run { firstRequestMs: number; wallMs: number; toolsBytes: number; requestBytes: number; tools: number }

async function once(mcpServers: Record<string, unknown> | undefined, extraEnv: Record<string, string> = {}): Promise<Run> {
  const server = await startModelServer();
  server.enqueue(reply().text('Done.'));
  const workspace = tempDir();
  const env = testEnv(server.url, extraEnv);
  const args = [TANDEM_BIN, '-p', 'hello'];
  if (mcpServers) {
    const cfg = path.join(workspace, 'mcp.json');
    writeFileSync(cfg, JSON.stringify({ mcpServers }));
    args.push('--mcp-config', cfg);
  }
  const started = performance.now();
  let firstRequestMs = 0;
  void server.waitForRequests(1, 60_000).then(() => { firstRequestMs = performance.now() - started; });
  const child = spawn(process.execPath, args, { cwd: workspace, env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  const first = server.requests[0];
  await server.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(env.TANDEM_HOME!, { recursive: true, force: true });
  if (code !== 0 || !first) throw new Error(`tandem -p failed (exit ${code}): ${stderr}`);
  return {
    firstRequestMs, wallMs, toolsBytes: Buffer.byteLength(JSON.stringify(first.body.tools ?? [])),
    requestBytes: Buffer.byteLength(first.rawBody), tools: (first.body.tools ?? []).length,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function variant(label: string, servers: Record<string, unknown> | undefined, env?: Record<string, string>): Promise<Run> {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once(servers, env));
  const r: Run = {
    firstRequestMs: median(runs.map((x) => x.firstRequestMs)), wallMs: median(runs.map((x) => x.wallMs)),
    toolsBytes: runs[0]!.toolsBytes, requestBytes: runs[0]!.requestBytes, tools: runs[0]!.tools,
  };
  console.log(`${label.padEnd(44)} first request ${r.firstRequestMs.toFixed(0).padStart(5)} ms  wall ${r.wallMs.toFixed(0).padStart(5)} ms  ` +
    `${String(r.tools).padStart(3)} tools  tools ${String(r.toolsBytes).padStart(7)} B  request ${String(r.requestBytes).padStart(7)} B`);
  return r;
}

console.log(`median of ${RUNS} runs of tandem -p against the scripted model server`);
await variant('no MCP configured', undefined);
await variant('everything server (13 tools)', { ev: { command: process.execPath, args: [EVERYTHING, 'stdio'] } });
const deferred = await variant('120-tool server, schemas on demand (default)', { many: { command: process.execPath, args: [MANY] } });
const whole = await variant('120-tool server, schemas whole', { many: { command: process.execPath, args: [MANY] } }, { TANDEM_MCP_SCHEMA_BUDGET: '100000000' });
console.log(`catalogue with 120 MCP tools: ${deferred.toolsBytes} B deferred vs ${whole.toolsBytes} B whole (${(100 * deferred.toolsBytes / whole.toolsBytes).toFixed(0)}%)`);
