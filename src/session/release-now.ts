import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { lockPath, unixSocketPath } from '../display/display-number.js';
import { LOCK_FILE_SIZE, parseLock } from '../lock/x-lock-format.js';

/**
 * The display's lock, if it names one of `ours`, and our socket file, at
 * once and synchronously: for a batch job's end, when the scheduler's
 * SIGKILL follows its SIGTERM by as little as the job script takes to exit,
 * and an asynchronous step may never run. Never through a symlink, never
 * another user's file; the server is going down with the job anyway.
 */
export function releaseDisplayNow(display: number, ours: readonly number[]): void {
  const uid = process.getuid?.();
  try {
    const fd = openSync(lockPath(display), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const buffer = Buffer.alloc(LOCK_FILE_SIZE + 1);
      const stat = fstatSync(fd);
      const pid = parseLock(buffer.subarray(0, readSync(fd, buffer)).toString('latin1'));
      if (stat.isFile() && stat.uid === uid && pid !== null && ours.includes(pid)) unlinkSync(lockPath(display));
    } finally {
      closeSync(fd);
    }
  } catch {
    // Gone already, or not ours to remove.
  }
  try {
    const socket = unixSocketPath(display);
    const stat = lstatSync(socket);
    if (stat.isSocket() && stat.uid === uid) unlinkSync(socket);
  } catch {
    // Gone already.
  }
}
