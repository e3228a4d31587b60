import { constants, type Stats } from 'node:fs';
import { lstat, open, rename, link, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';

/**
 * /tmp is writable by everyone, so anything found there may be a trap: a
 * symlink to a file we should not read, or a FIFO that blocks a read forever.
 * Every access here uses lstat and O_NOFOLLOW|O_NONBLOCK.
 */

export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return null;
    throw error;
  }
}

export type SafeRead =
  | { kind: 'missing' }
  | { kind: 'unreadable'; error: string }
  | { kind: 'not-regular'; stat: Stats; type: string }
  | { kind: 'file'; stat: Stats; content: Buffer };

export function fileType(stat: Stats): string {
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isDirectory()) return 'directory';
  if (stat.isSocket()) return 'socket';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isFile()) return 'regular file';
  return 'special file';
}

export type SafeOpen = Exclude<SafeRead, { kind: 'file' }> | { kind: 'file'; stat: Stats; handle: FileHandle };

/**
 * Opens a regular file without following a symlink in its last component
 * and without blocking on a FIFO; anything else is named, not opened. The
 * caller closes the handle.
 */
export async function openRegularNoFollow(path: string): Promise<SafeOpen> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return { kind: 'missing' };
    if (isCode(error, 'EACCES') || isCode(error, 'EPERM')) return { kind: 'unreadable', error: (error as Error).message };
    if (isCode(error, 'ELOOP')) {
      const stat = await lstatOrNull(path);
      return stat ? { kind: 'not-regular', stat, type: 'symlink' } : { kind: 'missing' };
    }
    if (isCode(error, 'ENXIO')) {
      const stat = await lstatOrNull(path);
      return stat ? { kind: 'not-regular', stat, type: fileType(stat) } : { kind: 'missing' };
    }
    throw error;
  }
  const stat = await handle.stat();
  if (stat.isFile()) return { kind: 'file', stat, handle };
  await handle.close();
  return { kind: 'not-regular', stat, type: fileType(stat) };
}

/** Reads at most `maxBytes` of a regular file without following a symlink in its last component. */
export async function readRegularNoFollow(path: string, maxBytes: number): Promise<SafeRead> {
  const opened = await openRegularNoFollow(path);
  if (opened.kind !== 'file') return opened;
  try {
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await opened.handle.read(buffer, 0, maxBytes, 0);
    return { kind: 'file', stat: opened.stat, content: buffer.subarray(0, bytesRead) };
  } finally {
    await opened.handle.close();
  }
}

/**
 * Removes `path` only if it is still the very file that was judged stale.
 * Renaming it aside first is atomic; then the aside file must be the same
 * inode and pass `stillStale` again (a new lock can reuse a freed inode on
 * disk file systems). Anything else is put back.
 */
export async function removeIfSameInode(
  path: string,
  ino: number,
  stillStale: (aside: string) => Promise<boolean> = async () => true,
): Promise<'removed' | 'changed' | 'gone'> {
  const aside = `${dirname(path)}/.tsvnc-reclaim-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return 'gone';
    throw error;
  }
  const moved = await lstat(aside);
  if (moved.ino !== ino || !(await stillStale(aside))) {
    // Only drop our extra name once the file is back in place: if a third file took the path meanwhile, keeping it aside loses nothing.
    const restored = await link(aside, path).then(() => true, () => false);
    if (restored) await unlink(aside);
    return 'changed';
  }
  await unlink(aside);
  return 'removed';
}

/** unlink() for a file that may already be gone. */
export async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
}

/** The kernel refused: in sticky /tmp, another user's file that only they or root may rename or remove. */
export function isDenied(error: unknown): boolean {
  return isCode(error, 'EPERM') || isCode(error, 'EACCES');
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/**
 * A new file of the caller's alone, exactly 0600 whatever the umask (it can
 * only remove bits, and the mode is promised), never over an existing name
 * or through a symlink, its content on disk before it is closed; removed
 * again if it could not be written whole.
 */
export async function writeNewPrivateFile(path: string, content: string | Uint8Array): Promise<void> {
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    // Half a file is worse than none: the name was ours, made just now.
    await handle.close();
    await unlink(path).catch(() => undefined);
    throw error;
  }
  await handle.close();
}
