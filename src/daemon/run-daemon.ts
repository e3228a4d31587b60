import { closeSync, writeSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { removeIfSameInode } from '../tmp/safe-tmp.js';
import { userMessage } from '../errors.js';
import lockfile from 'proper-lockfile';
import { logger, logToFile } from '../log.js';
import { ensureStateDir, stateDirFor } from '../state/state-dir.js';
import { SessionManager } from '../session/session-manager.js';
import { listenControl } from './control-server.js';
import { daemonRunning } from './control-client.js';
import { READY_LINE } from './launch-daemon.js';
import { notifySystemdReady } from './notify-systemd.js';
import { loadConfig } from '../config/load-config.js';
import { DEFAULT_CONFIG } from '../config/schema.js';

/** Whoever started us learns we listen, or why not: a pipe from `launchDaemon`. */
function tellLauncher(readyFd: number | undefined, line: string): void {
  if (readyFd === undefined) return;
  try {
    writeSync(readyFd, `${line.replace(/\n/g, ' ')}\n`);
    closeSync(readyFd);
  } catch {
    // The launcher gave up waiting; the daemon serves anyway.
  }
}

/**
 * The per-user daemon: takes over the control socket (proper-lockfile makes
 * "is a daemon alive, else replace its socket" atomic between two daemons
 * starting at once), picks up the sessions an earlier daemon left, serves
 * until SIGTERM, and leaves the sessions running when it stops.
 */
export async function runDaemon(readyFd: number | undefined): Promise<void> {
  try {
    await serve(readyFd);
  } catch (error) {
    logger.error(`tsvnc daemon cannot start: ${(error as Error).message}`);
    tellLauncher(readyFd, userMessage(error));
    throw error;
  }
}

async function serve(readyFd: number | undefined): Promise<void> {
  process.umask(0o077);
  const paths = await ensureStateDir(stateDirFor(process.env));
  // A broken config file must not keep the daemon down: every start reports it itself.
  const config = await loadConfig().catch((error: Error) => {
    logger.warn(`using default settings for the daemon log: ${error.message}`);
    return DEFAULT_CONFIG;
  });
  logToFile(paths.daemonLog, config.logMaxBytes, config.logKeep + 1);
  const release = await lockfile.lock(paths.socket, { realpath: false, stale: 10_000, retries: { retries: 50, minTimeout: 20, maxTimeout: 200 } });
  let manager: SessionManager;
  let server;
  try {
    if (await daemonRunning(paths)) {
      logger.info(`another tsvnc daemon already serves ${paths.socket}`);
      tellLauncher(readyFd, READY_LINE);
      return;
    }
    manager = new SessionManager(paths);
    server = await listenControl(paths.socket, (request, log) => manager.handle(request, log));
    manager.resume();
  } finally {
    await release();
  }
  const socketIno = (await lstat(paths.socket)).ino;
  logger.info(`tsvnc daemon ${process.pid} serving ${paths.socket}`);
  tellLauncher(readyFd, READY_LINE);
  await notifySystemdReady();
  const shutdown = (signal: string) => {
    logger.info(`tsvnc daemon ${process.pid} stopping on ${signal}; sessions keep running`);
    manager.close();
    server.close();
    // Only our own socket: a successor may already have bound a new one there.
    void removeIfSameInode(paths.socket, socketIno).catch(() => undefined).finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // A closing terminal must not take the daemon down with it.
  process.on('SIGHUP', () => logger.info('ignoring SIGHUP'));
  process.on('unhandledRejection', (error) => logger.error(`unhandled: ${error instanceof Error ? error.stack ?? error.message : String(error)}`));
  process.on('uncaughtException', (error) => {
    logger.error(`tsvnc daemon crashed: ${error.stack ?? error.message}`);
    process.exit(70);
  });
}
