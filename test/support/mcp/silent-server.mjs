// A stdio "MCP server" that reads its input and never answers initialize (a server hung at start).
process.stdin.on('data', () => {});
process.stderr.write('silent: listening, never answering\n');
setInterval(() => {}, 1 << 30);
