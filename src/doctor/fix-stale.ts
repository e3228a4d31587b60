import type { ProbeResult, Stale } from '../model/probe-result.js';
import { isCode, removeIfSameInode } from '../tmp/safe-tmp.js';
import { isStaleLock } from '../lock/inspect-lock.js';
import { tryConnect } from '../sockets/x11-sockets.js';
import { inspectTempLock } from '../probe/temp-lock.js';

/** Judged again on the file itself once it is renamed aside, where nobody else can change it. */
const STILL_STALE: Record<Stale['kind'], (aside: string) => Promise<boolean>> = {
  'lock': isStaleLock,
  'unix-socket': async (aside) => (await tryConnect(aside)) === 'refused',
  'temp-lock': async (aside) => (await inspectTempLock(aside))?.removable === true,
};

export interface FixOutcome {
  path: string;
  removed: boolean;
  message: string;
}

/**
 * Removes only what the probe proved stale, and only if it is still the same
 * inode; it never signals a process.
 */
export async function fixStale(results: readonly ProbeResult[]): Promise<FixOutcome[]> {
  const outcomes: FixOutcome[] = [];
  for (const stale of results.flatMap((r) => r.stale)) {
    if (!stale.removable || stale.ino === undefined) continue;
    try {
      const outcome = await removeIfSameInode(stale.path, stale.ino, STILL_STALE[stale.kind]);
      outcomes.push({
        path: stale.path,
        removed: outcome === 'removed',
        message: outcome === 'removed' ? `removed ${stale.path}: ${stale.why}`
          : outcome === 'gone' ? `${stale.path} was already gone`
          : `left ${stale.path}: it was replaced while checking, so it is no longer the stale file`,
      });
    } catch (error) {
      const denied = isCode(error, 'EPERM') || isCode(error, 'EACCES');
      outcomes.push({
        path: stale.path, removed: false,
        message: denied
          ? `could not remove ${stale.path}: it belongs to uid ${stale.uid}; its owner or root can remove it`
          : `could not remove ${stale.path}: ${(error as Error).message}`,
      });
    }
  }
  return outcomes;
}
