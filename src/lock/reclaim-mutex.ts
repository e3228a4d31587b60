import { constants } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { isCode, lstatOrNull, removeIfSameInode } from '../tmp/safe-tmp.js';

/** Holding the mutex takes microseconds; one this old was left by a crash. */
const ABANDONED_MS = 10_000;

/**
 * Removing a stale lock is check-then-act: two claimers that both saw it stale
 * could each remove it, the second removing the first one's fresh lock, and
 * both would win. Claimers therefore remove stale locks one at a time, under
 * this mutex (an O_EXCL file next to the lock).
 */
export async function withReclaimMutex<T>(lockPath: string, action: () => Promise<T>): Promise<T | 'busy'> {
  const mutex = `${dirname(lockPath)}/.tsvnc-reclaim-${basename(lockPath)}`;
  let handle;
  try {
    handle = await open(mutex, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o444);
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error;
    const stat = await lstatOrNull(mutex);
    if (stat && Date.now() - stat.mtimeMs > ABANDONED_MS) await removeIfSameInode(mutex, stat.ino).catch(() => undefined);
    return 'busy';
  }
  try {
    await handle.close();
    return await action();
  } finally {
    await unlink(mutex);
  }
}
