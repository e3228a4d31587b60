import { setTimeout as delay } from 'node:timers/promises';
import { isRunning, type ProcessIdentity } from '../proc/process-identity.js';
import type { ExitInfo } from './session-record.js';

const WATCH_INTERVAL_MS = 500;

/**
 * Resolves when a process that is not our child (adopted from an earlier
 * daemon) ends. Linux gives no exit event for a non-child without pidfd,
 * which node lacks, so this looks twice a second: deaths are seen within
 * about half a second at a negligible cost. Its exit status is lost with it.
 */
export async function watchExit(id: ProcessIdentity, signal: AbortSignal): Promise<ExitInfo> {
  while (!signal.aborted && (await isRunning(id))) {
    await delay(WATCH_INTERVAL_MS, undefined, { signal }).catch(() => undefined);
  }
  return { code: null, signal: null, at: new Date().toISOString() };
}
