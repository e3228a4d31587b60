import { lstat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

/** Null unless `path` itself (not a symlink's target) is there. */
async function lstatOrNull(path: string): Promise<Stats | null> {
  return lstat(path).catch(() => null);
}

/** A directory only root can change: root's, not a symlink, writable by nobody else. */
export function isRootDir(stat: Stats | null): boolean {
  return stat !== null && stat.isDirectory() && stat.uid === 0 && (stat.mode & 0o022) === 0;
}

/**
 * True when every directory from / down to `dir` is one only root can
 * change: then nobody else can swap anything on the path (a symlink, a
 * socket of their own) between our check and our use.
 */
export async function isRootPath(dir: string): Promise<boolean> {
  const parts = dir.split('/').filter((p) => p !== '');
  for (let i = 0; i <= parts.length; i++) {
    if (!isRootDir(await lstatOrNull(`/${parts.slice(0, i).join('/')}`))) return false;
  }
  return true;
}

/** A socket (not a symlink) owned by `uid` in a directory only root can change. */
export async function isSocketOf(socket: string, uid: number): Promise<boolean> {
  const dir = socket.slice(0, socket.lastIndexOf('/'));
  if (!(await isRootPath(dir))) return false;
  const stat = await lstatOrNull(socket);
  return stat !== null && stat.isSocket() && stat.uid === uid;
}
