import type { ExitInfo } from './exit-info.js';

export type RestartMode = 'on-failure' | 'always' | 'no';
export const RESTART_MODES: readonly RestartMode[] = ['on-failure', 'always', 'no'];

export interface RestartPolicy {
  mode: RestartMode;
  /** This many server failures within `windowSeconds` is a crash loop: the session becomes `failed`. */
  limit: number;
  windowSeconds: number;
}

export const DEFAULT_POLICY: RestartPolicy = { mode: 'on-failure', limit: 5, windowSeconds: 60 };
/** Second and later restarts in a row wait 0.5 s, 1 s, 2 s ... up to 30 s, as systemd's and s6's backoffs do. */
export const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;

export function isFailure(exit: ExitInfo): boolean {
  return !(exit.code === 0 && exit.signal === null);
}

export function wantsRestart(mode: RestartMode, exit: ExitInfo): boolean {
  return mode === 'always' || (mode === 'on-failure' && isFailure(exit));
}

/** The failures still inside the window, with this one added. */
export function recordFailure(previous: readonly number[], now: number, policy: RestartPolicy): number[] {
  return [...previous.filter((at) => now - at < policy.windowSeconds * 1000), now];
}

export function backoffMs(attempt: number): number {
  return attempt <= 1 ? 0 : Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 2), BACKOFF_MAX_MS);
}

export type Decision = { action: 'restart'; delayMs: number } | { action: 'give-up'; reason: string };

/**
 * After the server exited and a restart is wanted: the first restart is
 * immediate, the next ones back off, and `limit` failures within the
 * window stop the loop.
 */
export function decide(failures: readonly number[], policy: RestartPolicy): Decision {
  if (failures.length >= policy.limit) {
    return { action: 'give-up', reason: `crash loop: ${failures.length} server failures within ${policy.windowSeconds} s, not restarting again` };
  }
  return { action: 'restart', delayMs: backoffMs(failures.length) };
}
