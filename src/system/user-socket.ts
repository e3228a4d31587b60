import { chmod, lchown, link, rename } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { TsvncError } from '../errors.js';
import { removeIfPresent } from '../tmp/safe-tmp.js';
import type { Account } from './user-account.js';

export interface BoundSocket {
  /** The listening descriptor, for the user's daemon to inherit. */
  fd: number;
  /** Once the daemon serves it: root lets go of its own copy and gives the socket file to the user (0600). */
  handOver(): Promise<void>;
  /** The daemon did not start: nothing is left behind. */
  abandon(): Promise<void>;
}

function closed(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Root binds the user's control socket itself, in root's own directory, so
 * the path root later connects through is root's alone; the user's daemon
 * gets the listening descriptor (as systemd's socket activation does).
 * Until handed over the file is root's (0755: only root may connect) and a
 * connection root's event loop takes meanwhile is closed at once. Node
 * unlinks a socket's path when its server closes, so the file keeps a
 * second name across that close and is renamed back.
 */
export async function bindUserSocket(account: Account, socket: string): Promise<BoundSocket> {
  const keep = `${socket}.keep`;
  await removeIfPresent(socket);
  await removeIfPresent(keep);
  const server = createServer((connection) => connection.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  await link(socket, keep);
  const fd = (server as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) {
    await closed(server);
    throw new TsvncError('INTERNAL', `cannot pass on the listening socket ${socket}: this node does not expose its descriptor`);
  }
  return {
    fd,
    async handOver() {
      await closed(server);
      await rename(keep, socket);
      await lchown(socket, account.uid, account.gid);
      await chmod(socket, 0o600);
    },
    async abandon() {
      await closed(server);
      await removeIfPresent(keep);
    },
  };
}
