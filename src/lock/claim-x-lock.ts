import { constants } from 'node:fs';
import { link, open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { isCode, isDenied, removeIfSameInode } from '../tmp/safe-tmp.js';
import { formatLock } from './x-lock-format.js';
import { inspectLock, isStaleLock, type LockState } from './inspect-lock.js';
import { mutexPath, withReclaimMutex } from './reclaim-mutex.js';
import { setTimeout as delay } from 'node:timers/promises';

export type ClaimResult = { claimed: true } | { claimed: false; holder: Exclude<LockState, { state: 'absent' }> };

/** A private, unguessable temp name: X's own `.tXn-lock` would make a crashed claimer cost the next X server 6 s. */
async function writeTemp(path: string, pid: number): Promise<string> {
  const temp = `${dirname(path)}/.tsvnc-lock-${randomBytes(8).toString('hex')}`;
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o444);
  try {
    // World-readable whatever the umask (the daemon runs with 077): every X server and probe reads it.
    await handle.chmod(0o444);
    await handle.writeFile(formatLock(pid));
  } finally {
    await handle.close();
  }
  return temp;
}

const ATTEMPTS = 100;
const RETRY_MS = 10;

/**
 * Takes the X lock for `pid` as the X server does: a complete file is linked
 * into place, and link() fails if the lock exists, so of any number of
 * concurrent claimers (tsvnc or X servers, any user) at most one wins. A lock
 * the probe proves stale is reclaimed, one claimer at a time; a live one is
 * reported. Bounded: about a second under the worst contention.
 */
export async function claimXLock(path: string, pid: number): Promise<ClaimResult> {
  const temp = await writeTemp(path, pid);
  try {
    return await claimWith(temp, path);
  } finally {
    await unlink(temp);
  }
}

/**
 * Removes the stale lock `ino` if it is still there and still stale. One of
 * another user that appeared since the probe (only they or root can remove
 * it from sticky /tmp) blocks the display, as it blocks the X server.
 */
async function reclaim(path: string, ino: number): Promise<LockState> {
  const now = await inspectLock(path);
  if (now.state !== 'stale' || now.ino !== ino) return now;
  try {
    await removeIfSameInode(path, now.ino, isStaleLock);
    return now;
  } catch (error) {
    if (!isDenied(error)) throw error;
    return { state: 'suspect', why: `${path} is stale (${now.why}), but it belongs to uid ${now.fileUid}: only they or root can remove it`, fileUid: now.fileUid };
  }
}

/** A claimer holds the reclaim mutex for milliseconds: found held on this many attempts in a row, it is nobody's. */
const BUSY_STREAK = ATTEMPTS / 2;

/** link() leaves `temp` in place, so one complete file serves every attempt. */
async function claimWith(temp: string, path: string): Promise<ClaimResult> {
  let busy = 0;
  let lastBusy = '';
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      await link(temp, path);
      return { claimed: true };
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
    }
    const seen = await inspectLock(path);
    if (seen.state === 'live' || seen.state === 'suspect') return { claimed: false, holder: seen };
    if (seen.state === 'absent') continue;
    const outcome = await withReclaimMutex(path, () => reclaim(path, seen.ino), busy >= BUSY_STREAK);
    if ('busy' in outcome) {
      busy++;
      lastBusy = outcome.busy;
      await delay(RETRY_MS);
      continue;
    }
    busy = 0;
    if (outcome.done.state === 'live' || outcome.done.state === 'suspect') return { claimed: false, holder: outcome.done };
  }
  const holder = await inspectLock(path);
  const why = busy > 0 ? `${mutexPath(path)} ${lastBusy} while tsvnc tried to reclaim ${path}` : `${path} kept changing while tsvnc tried to claim it`;
  return { claimed: false, holder: holder.state === 'live' ? holder : { state: 'suspect', why, fileUid: holder.state === 'absent' ? -1 : holder.fileUid } };
}

/**
 * Moves a lock we hold to another of our pids atomically: to the server
 * once it runs, back to the daemon when it died (then the lock is stale).
 */
export async function handOverXLock(path: string, from: readonly number[], to: number): Promise<boolean> {
  const current = await inspectLock(path);
  if ((current.state !== 'live' && current.state !== 'stale') || !from.includes(current.pid)) return false;
  const temp = await writeTemp(path, to);
  try {
    await rename(temp, path);
    return true;
  } catch (error) {
    await unlink(temp);
    throw error;
  }
}

/** Removes the lock only if it still names one of our pids. */
export async function releaseXLock(path: string, ours: readonly number[]): Promise<boolean> {
  const current = await inspectLock(path);
  if ((current.state !== 'live' && current.state !== 'stale') || !ours.includes(current.pid)) return false;
  const sameLock = async (aside: string) => {
    const moved = await inspectLock(aside);
    return (moved.state === 'live' || moved.state === 'stale') && moved.pid === current.pid;
  };
  return (await removeIfSameInode(path, current.ino, sameLock)) === 'removed';
}
