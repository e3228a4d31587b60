import { lstat } from 'node:fs/promises';
import type { Server } from 'node:net';
import lockfile from 'proper-lockfile';
import { logger } from '../log.js';
import { removeIfSameInode } from '../tmp/safe-tmp.js';
import { listenControl, type Handler } from './control-server.js';
import { daemonRunning } from './control-client.js';

export interface Serving {
  server: Server;
  /** The socket file we bound, removed when we stop; absent for one bound by the system daemon, which is root's to remove. */
  ino?: number;
}

/**
 * Listens on the control socket unless a live daemon already does.
 * proper-lockfile makes "is a daemon alive, else replace its socket" atomic
 * between two daemons starting at once. `started` runs before the lock is
 * released, so requests find the daemon ready to take them.
 */
export async function takeOverSocket(socket: string, handler: Handler, started: () => void): Promise<Serving | null> {
  const release = await lockfile.lock(socket, { realpath: false, stale: 10_000, retries: { retries: 50, minTimeout: 20, maxTimeout: 200 } });
  try {
    if (await daemonRunning({ socket })) {
      logger.info(`another tsvnc daemon already serves ${socket}`);
      return null;
    }
    const server = await listenControl(socket, handler);
    started();
    return { server, ino: (await lstat(socket)).ino };
  } finally {
    await release();
  }
}

/** SIGTERM and SIGINT stop serving; whatever the daemon started keeps running for the next one. */
export function stopOnSignals(socket: string, serving: Serving, close: () => void): void {
  const shutdown = (signal: string) => {
    logger.info(`tsvnc daemon ${process.pid} stopping on ${signal}; sessions keep running`);
    close();
    serving.server.close();
    // Only our own socket: a successor may already have bound a new one there.
    const removed = serving.ino === undefined ? Promise.resolve() : removeIfSameInode(socket, serving.ino);
    void removed.catch(() => undefined).finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // A closing terminal must not take the daemon down with it.
  process.on('SIGHUP', () => logger.info('ignoring SIGHUP'));
}

/** What went wrong unhandled goes to the daemon's log, and a crash exits with a status of its own. */
export function logCrashes(): void {
  process.on('unhandledRejection', (error) => logger.error(`unhandled: ${error instanceof Error ? error.stack ?? error.message : String(error)}`));
  process.on('uncaughtException', (error) => {
    logger.error(`tsvnc daemon crashed: ${error.stack ?? error.message}`);
    process.exit(70);
  });
}
