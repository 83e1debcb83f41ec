// Whether something listens on a TCP port, for wait_background's `port`. Linux lists listening sockets in
// /proc/net/tcp{,6}: reading them touches nothing (a connect would show up in a dev server's log as a
// request). Where /proc cannot be read, a connect to localhost says the same.
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';

const LISTEN = '0A';

/** True if a socket on this machine (this network namespace) listens on `port`. */
export async function isListening(port: number): Promise<boolean> {
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((f) => readFile(f, 'utf8').catch(() => undefined)));
  if (tables.some((t) => t !== undefined)) return tables.some((t) => t !== undefined && listensIn(t, port));
  return (await connects('127.0.0.1', port)) || connects('::1', port);
}

/** Parses a /proc/net/tcp table: `sl local_address rem_address st ...`, addresses as HEXIP:HEXPORT. */
export function listensIn(table: string, port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[3] === LISTEN && cols[1]?.endsWith(`:${hexPort}`)) return true;
  }
  return false;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}
