import { closeSync, writeSync } from 'node:fs';
import { userMessage } from '../errors.js';
import { logger, logToFile } from '../log.js';
import { ensureStateDir, stateDirFor } from '../state/state-dir.js';
import { SessionManager } from '../session/session-manager.js';
import { stopOnSignals, takeOverSocket } from './socket-takeover.js';
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
 * The per-user daemon: takes over the control socket, picks up the sessions
 * an earlier daemon left, serves until SIGTERM, and leaves the sessions
 * running when it stops.
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
  const manager = new SessionManager(paths);
  const serving = await takeOverSocket(paths.socket, (request, log) => manager.handle(request, log), () => manager.resume());
  if (serving === null) {
    tellLauncher(readyFd, READY_LINE);
    return;
  }
  logger.info(`tsvnc daemon ${process.pid} serving ${paths.socket}`);
  tellLauncher(readyFd, READY_LINE);
  await notifySystemdReady();
  stopOnSignals(paths.socket, serving, () => manager.close());
}
