import { constants, type Stats } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { logger } from '../log.js';
import { pidStatus, processStartTime, processUid } from '../proc/process-info.js';
import { isCode, isDenied, lstatOrNull, readRegularNoFollow, removeIfSameInode } from '../tmp/safe-tmp.js';
import { START_SLACK_MS } from './inspect-lock.js';
import { formatLock, parseLock } from './x-lock-format.js';

/** Holding the mutex takes milliseconds; one this old was left by a crash. */
const ABANDONED_MS = 10_000;

export type MutexOutcome<T> = { done: T } | { busy: string };

export function mutexPath(lockPath: string): string {
  return `${dirname(lockPath)}/.tsvnc-reclaim-${basename(lockPath)}`;
}

/**
 * Removing a stale lock is check-then-act: two claimers that both saw it stale
 * could each remove it, the second removing the first one's fresh lock, and
 * both would win. Claimers therefore remove stale locks one at a time, under
 * this mutex: an O_EXCL file next to the lock naming its holder's pid.
 *
 * Anyone can create that file in /tmp, so a mutex counts as held only while
 * a live claimer plausibly holds it (see `holder`). Any other is broken:
 * removed when we may, else (another user's file in sticky /tmp, which only
 * they or root can remove) gone around. So is one the caller has found held
 * for far longer than any claimer holds it (`goAround`), however plausible:
 * its owner can keep it looking fresh. Going around reclaims unserialized,
 * as the X server itself always does, still only after removeIfSameInode's
 * recheck of the lock.
 */
export async function withReclaimMutex<T>(lockPath: string, action: () => Promise<T>, goAround = false): Promise<MutexOutcome<T>> {
  const mutex = mutexPath(lockPath);
  let handle;
  try {
    handle = await open(mutex, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o444);
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error;
    const held = await holder(mutex);
    if (held.stat === null) return { busy: held.why };
    if (held.live && !goAround) return { busy: held.why };
    const removed = held.live ? 'forbidden' : await removeIfSameInode(mutex, held.stat.ino, async (aside) => !(await holder(aside)).live).catch((failure: unknown) => {
      if (isDenied(failure)) return 'forbidden' as const;
      throw failure;
    });
    if (removed !== 'forbidden') return { busy: held.why };
    logger.warn(`${mutex} ${held.why}${held.live ? ' and has been for too long' : `, and only uid ${held.stat.uid} or root can remove it`}: reclaiming ${lockPath} without it`);
    return { done: await action() };
  }
  let ino: number | undefined;
  try {
    try {
      ino = (await handle.stat()).ino;
      await handle.writeFile(formatLock(process.pid));
    } finally {
      await handle.close();
    }
    return { done: await action() };
  } finally {
    // Only ours: a claimer that took ours for abandoned may hold a new one by now.
    if (ino === undefined) await unlink(mutex).catch(() => undefined);
    else await removeIfSameInode(mutex, ino).catch(() => undefined);
  }
}

type Holder = { live: boolean; why: string; stat: Stats | null };

/**
 * A live claimer's mutex names a running pid of the file's owner, started
 * before the file was written, and is not older than ABANDONED_MS; an empty
 * one is a claimer between creating and writing it. A future mtime, a dead
 * or reused pid, or a pid of another user than the file's owner is not one.
 */
async function holder(mutex: string): Promise<Holder> {
  const read = await readRegularNoFollow(mutex, 16);
  if (read.kind === 'missing') return { live: false, why: 'is gone', stat: null };
  if (read.kind !== 'file') {
    const stat = read.kind === 'not-regular' ? read.stat : await lstatOrNull(mutex);
    return { live: false, why: read.kind === 'not-regular' ? `is a ${read.type}` : 'cannot be read', stat };
  }
  const { stat, content } = read;
  const age = Date.now() - stat.mtimeMs;
  if (age < -START_SLACK_MS) return { live: false, why: `was modified in the future (${stat.mtime.toISOString()})`, stat };
  if (age > ABANDONED_MS) return { live: false, why: `was abandoned ${Math.round(age / 1000)} s ago`, stat };
  const pid = parseLock(content.toString('latin1'));
  if (pid === null) return content.length === 0 ? { live: true, why: 'is being taken', stat } : { live: false, why: 'names no pid', stat };
  if (pidStatus(pid) === 'dead') return { live: false, why: `names pid ${pid}, which is not running`, stat };
  const [uid, started] = await Promise.all([processUid(pid), processStartTime(pid)]);
  if (uid !== stat.uid) return { live: false, why: `names pid ${pid}, a process of uid ${uid}, not of its owner uid ${stat.uid}`, stat };
  if (started !== null && started > stat.mtimeMs + START_SLACK_MS) return { live: false, why: `names pid ${pid}, started after it was written`, stat };
  return { live: true, why: `is held by pid ${pid}`, stat };
}
