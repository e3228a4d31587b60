import { readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { lockPath } from '../display/display-number.js';
import { releaseXLock } from '../lock/claim-x-lock.js';
import { inspectLock } from '../lock/inspect-lock.js';
import { identify, isRunning, type ProcessIdentity } from '../proc/process-identity.js';
import { logger } from '../log.js';

const LOCK_NAME = /^\.X(\d+)-lock$/;

async function readDaemons(path: string): Promise<ProcessIdentity[]> {
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8').catch(() => '[]'));
  const valid = (v: unknown): v is ProcessIdentity => typeof v === 'object' && v !== null && Number.isSafeInteger((v as ProcessIdentity).pid) && Number.isSafeInteger((v as ProcessIdentity).startTicks);
  return Array.isArray(parsed) ? parsed.filter(valid) : [];
}

/**
 * A daemon names itself in the state directory (`daemons.json`) before it
 * claims any display, so a lock naming a dead pid that was one of our
 * daemons is provably a claim of ours nobody finished: its successor
 * removes it at once, instead of it blocking the display until some start
 * happens to reclaim it. `skip` are displays whose sessions are taken over
 * (a restarting one keeps the lock). Returns the displays released.
 */
export async function reclaimDeadDaemonClaims(path: string, skip: ReadonlySet<number>): Promise<number[]> {
  const previous = await readDaemons(path).catch(() => []);
  const dead: number[] = [];
  // A daemon that stopped answering (SIGSTOP) but lives may still die with claims: it stays listed.
  const living: ProcessIdentity[] = [];
  for (const id of previous) {
    if (await isRunning(id)) living.push(id);
    else dead.push(id.pid);
  }
  const released: number[] = [];
  if (dead.length > 0) {
    const uid = process.getuid?.();
    for (const name of await readdir('/tmp')) {
      const display = Number(LOCK_NAME.exec(name)?.[1] ?? NaN);
      if (!Number.isSafeInteger(display) || skip.has(display)) continue;
      const lock = await inspectLock(lockPath(display));
      if (lock.state === 'stale' && lock.fileUid === uid && dead.includes(lock.pid) && (await releaseXLock(lockPath(display), [lock.pid]))) {
        released.push(display);
        logger.info(`:${display}: removed the lock of an earlier daemon (pid ${lock.pid}) that died while claiming it`);
      }
    }
  }
  const self = await identify(process.pid);
  // Written whole and renamed: a torn file would lose the record of a live daemon's claims.
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify([...living.filter((id) => id.pid !== process.pid), ...(self ? [self] : [])])}\n`, { mode: 0o600 });
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return released;
}
