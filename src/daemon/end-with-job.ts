import { rm } from 'node:fs/promises';
import { logger } from '../log.js';
import { removeIfSameInode } from '../tmp/safe-tmp.js';
import type { StatePaths } from '../state/state-dir.js';
import type { Serving } from './socket-takeover.js';

/** How often a job's daemon looks whether any desktop is left: what ended by itself is seen this late at most. */
const IDLE_CHECK_MS = 500;
/** A daemon launched for a start that never arrived (its client died) waits this long for one. */
const FIRST_REQUEST_MS = 10_000;

/** The control requests the daemon is answering, and has answered. */
export interface Requests {
  inFlight: number;
  served: number;
}

export interface JobDaemon {
  isEmpty(): boolean;
  stopAll(): Promise<void>;
  close(): void;
}

/**
 * A batch job's daemon lives only as long as the job's desktops: it ends
 * once none is left (all killed, or ended by themselves), and when the job
 * ends (the scheduler's SIGTERM, a hangup) it ends every desktop first, so
 * none outlives the job and no lock is left in the node's /tmp. Its state
 * directory goes with it: no later job has the same id.
 */
export function endWithJob(paths: StatePaths, serving: Serving, daemon: JobDaemon, requests: Requests): void {
  const launched = Date.now();
  let ending = false;
  const finish = async (why: string, stop: boolean) => {
    if (ending) return;
    ending = true;
    clearInterval(timer);
    logger.info(`job daemon ${process.pid} ending: ${why}`);
    serving.server.close();
    if (stop) await daemon.stopAll().catch((error: Error) => logger.error(`cannot stop every desktop: ${error.message}`));
    daemon.close();
    if (serving.ino !== undefined) await removeIfSameInode(paths.socket, serving.ino).catch(() => undefined);
    await rm(paths.dir, { recursive: true, force: true }).catch((error: Error) => logger.warn(`cannot remove ${paths.dir}: ${error.message}`));
    process.exit(0);
  };
  const timer = setInterval(() => {
    if (requests.inFlight > 0 || !daemon.isEmpty()) return;
    if (requests.served > 0 || Date.now() - launched > FIRST_REQUEST_MS) void finish('no desktop left', false);
  }, IDLE_CHECK_MS);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void finish(`${signal}: the job ends`, true));
}
