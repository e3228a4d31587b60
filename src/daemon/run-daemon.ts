import { closeSync, writeSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { logger, logToFile } from '../log.js';
import { ensureStateDir, stateDirFor } from '../state/state-dir.js';
import { SessionManager } from '../session/session-manager.js';
import { listenControl } from './control-server.js';
import { daemonRunning } from './control-client.js';
import { READY_LINE } from './launch-daemon.js';

/** Whoever started us learns we listen: a pipe from `launchDaemon`. */
function signalReady(readyFd: number | undefined): void {
  if (readyFd === undefined) return;
  writeSync(readyFd, `${READY_LINE}\n`);
  closeSync(readyFd);
}

/**
 * The per-user daemon: takes over the control socket (proper-lockfile makes
 * "is a daemon alive, else replace its socket" atomic between two daemons
 * starting at once), picks up the sessions an earlier daemon left, serves
 * until SIGTERM, and leaves the sessions running when it stops.
 */
export async function runDaemon(readyFd: number | undefined): Promise<void> {
  process.umask(0o077);
  const paths = await ensureStateDir(stateDirFor(process.env));
  logToFile(paths.daemonLog);
  const release = await lockfile.lock(paths.socket, { realpath: false, stale: 10_000, retries: { retries: 50, minTimeout: 20, maxTimeout: 200 } });
  let manager: SessionManager;
  let server;
  try {
    if (await daemonRunning(paths)) {
      logger.info(`another tsvnc daemon already serves ${paths.socket}`);
      signalReady(readyFd);
      return;
    }
    manager = new SessionManager(paths);
    await manager.load();
    server = await listenControl(paths.socket, (request, log) => manager.handle(request, log));
  } finally {
    await release();
  }
  logger.info(`tsvnc daemon ${process.pid} serving ${paths.socket}`);
  signalReady(readyFd);
  const shutdown = (signal: string) => {
    logger.info(`tsvnc daemon ${process.pid} stopping on ${signal}; sessions keep running`);
    manager.close();
    server.close();
    void unlink(paths.socket).catch(() => undefined).finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // A closing terminal must not take the daemon down with it.
  process.on('SIGHUP', () => logger.info('ignoring SIGHUP'));
  process.on('uncaughtException', (error) => {
    logger.error(`tsvnc daemon crashed: ${error.stack ?? error.message}`);
    process.exit(70);
  });
}
