// Preloaded into the process under test (node --import): reports its own peak RSS when it exits.
// /usr/bin/time's %M also counts forked children, whose RSS right after fork includes the parent's shared pages.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\nBENCH_SELF_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
