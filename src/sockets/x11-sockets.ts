import { connect } from 'node:net';
import { unixSocketPath, X11_UNIX_DIR } from '../display/display-number.js';
import { fileType, lstatOrNull } from '../tmp/safe-tmp.js';
import type { UnixEntry } from '../proc/net-unix.js';

const CONNECT_TIMEOUT_MS = 500;

export type SocketFileState =
  | { state: 'absent' }
  | { state: 'listening'; path: string; inodes: number[] }
  | { state: 'refused'; path: string; ino: number; uid: number }
  | { state: 'not-socket'; path: string; type: string; uid: number }
  | { state: 'unsafe-dir'; path: string; type: string }
  | { state: 'unknown'; path: string; error: string };

export function tryConnect(path: string): Promise<'accepted' | 'refused' | string> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    const done = (result: string) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => done('accepted'));
    socket.once('connect', () => done('accepted'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? 'refused' : error.code ?? 'error'),
    );
  });
}

/**
 * The filesystem socket only blocks the server while something accepts on it:
 * Xtigervnc unlinks a dead one before binding. A connect that hangs means a
 * listener with a full backlog, which still holds the display.
 */
export async function inspectSocketFile(display: number, table: readonly UnixEntry[]): Promise<SocketFileState> {
  const dir = await lstatOrNull(X11_UNIX_DIR);
  if (dir === null) return { state: 'absent' };
  if (!dir.isDirectory()) return { state: 'unsafe-dir', path: X11_UNIX_DIR, type: fileType(dir) };
  const path = unixSocketPath(display);
  const stat = await lstatOrNull(path);
  if (stat === null) return { state: 'absent' };
  if (!stat.isSocket()) return { state: 'not-socket', path, type: fileType(stat), uid: stat.uid };
  const outcome = await tryConnect(path);
  if (outcome === 'refused') return { state: 'refused', path, ino: stat.ino, uid: stat.uid };
  if (outcome !== 'accepted') return { state: 'unknown', path, error: outcome };
  const inodes = table.filter((e) => e.path === path && e.listening).map((e) => e.inode);
  return { state: 'listening', path, inodes };
}

const SOCK_STREAM = 1;

/**
 * Node cannot connect to abstract names, so the kernel's table is the only
 * witness. A bound stream socket blocks the server's bind even before listen().
 */
export function abstractListeners(display: number, table: readonly UnixEntry[]): number[] {
  const name = `@${unixSocketPath(display)}`;
  return table.filter((e) => e.path === name && e.type === SOCK_STREAM).map((e) => e.inode);
}
