import { rm } from 'node:fs/promises';
import { logger } from '../log.js';
import { removeIfSameInode } from '../tmp/safe-tmp.js';
import { releaseDisplayNow } from '../session/release-now.js';
import type { StatePaths } from '../state/state-dir.js';
import type { Serving } from './socket-takeover.js';

/** How often a job's daemon looks whether any desktop is left: what ended by itself is seen this late at most. */
const IDLE_CHECK_MS = 500;
/** A daemon launched for a start that never arrived (its client died) waits this long for one. */
const FIRST_REQUEST_MS = 10_000;
/** After the answer that left it empty: time for the answer to reach the client before the process exits. */
const EXIT_AFTER_ANSWER_MS = 100;

/** The control requests the daemon is answering, and has answered. */
export interface Requests {
  inFlight: number;
  served: number;
}

export interface JobDaemon {
  isEmpty(): boolean;
  claims(): { display: number; ours: number[] }[];
  stopAll(): Promise<void>;
  close(): void;
}

/**
 * A batch job's daemon lives only as long as the job's desktops. A job ends
 * hard: once the job script exits, the scheduler kills whatever is left of
 * the job at once, so nothing may wait for later. The answer to the kill
 * that leaves no desktop goes out only after the daemon's state is removed,
 * and on the job's end (SIGTERM, SIGINT, SIGHUP) the displays' locks and
 * socket files go synchronously, before the desktops are stopped. A desktop
 * that ends by itself is seen by a check every IDLE_CHECK_MS.
 *
 * Returns what the request handler runs after each request, before answering.
 */
export function endWithJob(paths: StatePaths, serving: Serving, daemon: JobDaemon, requests: Requests): () => Promise<void> {
  const launched = Date.now();
  let ending = false;
  /** Once: the desktops stopped first if asked, then the daemon's state; `exit` runs last (at once, or after an answer is out). */
  const end = async (why: string, stop: boolean, exit: () => void) => {
    if (ending) return;
    ending = true;
    clearInterval(timer);
    logger.info(`job daemon ${process.pid} ending: ${why}`);
    if (stop) {
      for (const { display, ours } of daemon.claims()) releaseDisplayNow(display, ours);
      await daemon.stopAll().catch((error: Error) => logger.error(`cannot stop every desktop: ${error.message}`));
    }
    daemon.close();
    serving.server.close();
    if (serving.ino !== undefined) await removeIfSameInode(paths.socket, serving.ino).catch(() => undefined);
    await rm(paths.dir, { recursive: true, force: true }).catch((error: Error) => logger.warn(`cannot remove ${paths.dir}: ${error.message}`));
    exit();
  };
  const now = () => process.exit(0);
  const timer = setInterval(() => {
    if (requests.inFlight === 0 && daemon.isEmpty() && (requests.served > 0 || Date.now() - launched > FIRST_REQUEST_MS)) void end('no desktop left', false, now);
  }, IDLE_CHECK_MS);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void end(`${signal}: the job ends`, true, now));
  return async () => {
    // The request being answered still counts as in flight.
    if (requests.inFlight > 1 || !daemon.isEmpty() || requests.served === 0) return;
    await end('no desktop left', false, () => setTimeout(now, EXIT_AFTER_ANSWER_MS));
  };
}
