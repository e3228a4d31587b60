import { closeSync, readSync, writeSync } from 'node:fs';
import { TsvncError, userMessage } from '../errors.js';
import { logger, logToFile } from '../log.js';
import { ensureStateDir, stateDirFor } from '../state/state-dir.js';
import { SessionManager } from '../lifecycle/session-manager.js';
import { logCrashes, stopOnSignals, takeOverSocket, type Serving } from './socket-takeover.js';
import { endWithJob, type Requests } from './end-with-job.js';
import { keepInCallersSession } from '../session/process-scope.js';
import { serveControlFd, type Handler } from './control-server.js';
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

/** What the system daemon hands a user's daemon it starts. */
export interface Handed {
  /** The listening control socket root bound for this user. */
  listenFd?: number;
  /** The user's login environment as JSON, read to its end: never on a command line, never seen by what root runs. */
  envFd?: number;
}

const ENV_READ_MS = 10_000;

/**
 * The pipe to its end, before the daemon does anything else. It may be
 * non-blocking and still empty when we get here (EAGAIN, seen under load),
 * so this waits for the writer, within a bound.
 */
function readToEnd(fd: number): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + ENV_READ_MS;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      if (Date.now() > deadline) throw new TsvncError('DAEMON_UNAVAILABLE', `no environment arrived on descriptor ${fd} within ${ENV_READ_MS / 1000} s`, 'the system daemon starts users\' daemons; see its log');
      Atomics.wait(pause, 0, 0, 5);
      continue;
    }
    if (n === 0) return Buffer.concat(chunks).toString('utf8');
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
}

function takeEnvironment(fd: number): void {
  const keep = process.env.TSVNC_STATE_DIR;
  const env = JSON.parse(readToEnd(fd)) as Record<string, unknown>;
  // Standard input stays open, at its end: a free fd 0 would go to the next file opened.
  if (fd > 2) closeSync(fd);
  for (const key of Object.keys(process.env)) delete process.env[key];
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') process.env[key] = value;
  if (keep !== undefined) process.env.TSVNC_STATE_DIR = keep;
}

/**
 * The per-user daemon: takes over the control socket (or serves the one the
 * system daemon bound for it), picks up the sessions an earlier daemon left,
 * serves until SIGTERM, and leaves the sessions running when it stops; a
 * job's daemon instead ends with the job's desktops (end-with-job.ts).
 */
export async function runDaemon(readyFd: number | undefined, handed: Handed = {}, job?: string): Promise<void> {
  try {
    if (handed.envFd !== undefined) takeEnvironment(handed.envFd);
    if (job !== undefined) keepInCallersSession();
    await serve(readyFd, handed.listenFd, job);
  } catch (error) {
    logger.error(`tsvnc daemon cannot start: ${(error as Error).message}`);
    tellLauncher(readyFd, userMessage(error));
    throw error;
  }
}

async function serve(readyFd: number | undefined, listenFd: number | undefined, job: string | undefined): Promise<void> {
  process.umask(0o077);
  const paths = await ensureStateDir(stateDirFor(process.env));
  // A broken config file must not keep the daemon down: every start reports it itself.
  const config = await loadConfig().catch((error: Error) => {
    logger.warn(`using default settings for the daemon log: ${error.message}`);
    return DEFAULT_CONFIG;
  });
  logToFile(paths.daemonLog, config.logMaxBytes, config.logKeep + 1);
  const manager = new SessionManager(paths);
  const requests: Requests = { inFlight: 0, served: 0 };
  let beforeAnswer: () => Promise<void> = async () => undefined;
  const handler: Handler = async (request, log) => {
    requests.inFlight++;
    try {
      const result = await manager.handle(request, log);
      requests.served++;
      await beforeAnswer();
      return result;
    } finally {
      requests.inFlight--;
    }
  };
  let serving: Serving | null;
  if (listenFd === undefined) {
    serving = await takeOverSocket(paths.socket, handler, () => manager.resume());
    if (serving === null) {
      tellLauncher(readyFd, READY_LINE);
      return;
    }
  } else {
    // The system daemon bound the socket and started only us on it: nobody to take over from.
    serving = { server: await serveControlFd(listenFd, handler) };
    manager.resume();
  }
  logger.info(`tsvnc daemon ${process.pid} serving ${listenFd === undefined ? paths.socket : `the socket the system daemon bound (fd ${listenFd})`}${job === undefined ? '' : ` for job ${job}`}`);
  tellLauncher(readyFd, READY_LINE);
  await notifySystemdReady();
  logCrashes();
  if (job === undefined) stopOnSignals(paths.socket, serving, () => manager.close());
  else beforeAnswer = endWithJob(paths, serving, manager, requests);
}
