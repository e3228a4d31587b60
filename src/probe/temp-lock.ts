import { lstatOrNull, fileType } from '../tmp/safe-tmp.js';
import type { Stale } from '../model/probe-result.js';

/** The X server gives up on another's temp lock after 3 tries 2 s apart; older than that, nobody is using it. */
const TEMP_LOCK_GRACE_MS = 10_000;

export async function inspectTempLock(path: string, now = Date.now()): Promise<Stale | null> {
  const stat = await lstatOrNull(path);
  if (stat === null) return null;
  if (!stat.isFile()) {
    // The X server can only wait on, then unlink, a file: anything else it cannot get past.
    return { kind: 'temp-lock', path, removable: false, uid: null, why: `it is a ${fileType(stat)}, not a temporary lock file; the X server cannot remove it (as root: rm -r ${path})` };
  }
  const old = now - stat.mtimeMs > TEMP_LOCK_GRACE_MS;
  return {
    kind: 'temp-lock', path, removable: old, uid: stat.uid, ino: stat.ino,
    why: old
      ? 'an X server died while taking the lock; the next server on this display waits 6 s before removing it'
      : 'an X server is taking the lock right now, or died doing so in the last few seconds',
  };
}
