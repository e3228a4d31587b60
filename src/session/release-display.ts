import { lockPath, unixSocketPath } from '../display/display-number.js';
import { releaseXLock } from '../lock/claim-x-lock.js';
import { tryConnect } from '../sockets/x11-sockets.js';
import { lstatOrNull, removeIfSameInode } from '../tmp/safe-tmp.js';

/**
 * After our server is gone: the lock if it still names one of our pids, and
 * the socket file a SIGKILLed server leaves, if it is ours and nothing
 * accepts on it. Never another user's file, never through a symlink.
 */
export async function releaseDisplay(display: number, ours: readonly number[]): Promise<void> {
  await releaseXLock(lockPath(display), ours);
  await releaseSocketFile(display);
}

/** The socket file of our dead server, if nothing accepts on it any more. */
export async function releaseSocketFile(display: number): Promise<void> {
  const path = unixSocketPath(display);
  const stat = await lstatOrNull(path);
  if (stat?.isSocket() && stat.uid === process.getuid?.()) {
    await removeIfSameInode(path, stat.ino, async (aside) => (await tryConnect(aside)) === 'refused');
  }
}
