import { chmod, lchown, lstat, mkdir, rename } from 'node:fs/promises';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { isCode } from '../tmp/safe-tmp.js';
import type { Account } from './user-account.js';
import { isRootDir } from '../state/trusted-path.js';

/**
 * Whatever is in the way in a directory only root changes is renamed aside,
 * never followed or removed recursively (a user's tree could be swapped for
 * symlinks under a recursive removal). An earlier tsvnc gave users their
 * /run/tsvnc/users/UID; /run is emptied at boot.
 */
async function moveAside(path: string, why: string): Promise<void> {
  const aside = `${path}.old-${Date.now()}`;
  logger.warn(`${path} ${why}; moving it aside to ${aside}`);
  await rename(path, aside);
}

/** Root-owned directories users may pass through but not change: root's, 0755, in a parent that is root's too. */
export async function ensureRootDir(path: string, moveForeign = false): Promise<void> {
  await mkdir(path, { mode: 0o755 }).catch((error: unknown) => {
    if (!isCode(error, 'EEXIST')) throw error;
  });
  const stat = await lstat(path);
  if (!stat.isDirectory() || stat.uid !== 0) {
    if (!moveForeign) throw new TsvncError('UNSAFE_PATH', `${path} is not a directory owned by root`, 'remove it and start the system daemon again');
    await moveAside(path, `is not a directory owned by root (uid ${stat.uid})`);
    await ensureRootDir(path);
    return;
  }
  if (!isRootDir(stat)) await chmod(path, 0o755);
}

/** The user's own 0700 directory in a root one: created by root and given to them, or theirs already; root never looks inside. */
export async function ensureUserOwnedDir(path: string, account: Account): Promise<void> {
  const stat = await lstat(path).catch(() => null);
  if (stat !== null && stat.isDirectory() && stat.uid === account.uid) return;
  if (stat !== null) await moveAside(path, `is not a directory of ${account.name}`);
  await mkdir(path, { mode: 0o700 });
  await lchown(path, account.uid, account.gid);
}
