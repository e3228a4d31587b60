import { readFile } from 'node:fs/promises';
import { lockPath } from '../display/display-number.js';
import { isXServer, serverDisplay } from '../display/x-server.js';
import { inspectLock } from '../lock/inspect-lock.js';
import { identify, type ProcessIdentity } from '../proc/process-identity.js';
import { describeProcess } from '../proc/process-info.js';
import type { DamagedRecord } from '../state/session-store.js';
import type { DamagedSession } from '../model/session-record.js';
import { tagIn } from './tagged-processes.js';

/**
 * Our own X server on the display, found without its record: the X lock
 * names its pid, and /proc must confirm it is an X server for this display
 * run by this user (the lock alone is a file anyone could have written).
 */
async function findOwnServer(display: number): Promise<{ server: ProcessIdentity; tag: string } | null> {
  const lock = await inspectLock(lockPath(display));
  const uid = process.getuid?.();
  if (lock.state !== 'live' || lock.fileUid !== uid) return null;
  const server = await identify(lock.pid);
  const info = await describeProcess(lock.pid);
  if (server === null || info?.uid !== uid || !isXServer(info.command) || serverDisplay(info.command) !== display) return null;
  const environ = await readFile(`/proc/${lock.pid}/environ`).catch(() => Buffer.alloc(0));
  return { server, tag: tagIn(environ) };
}

/**
 * What stands for a session whose file is damaged: listed as failed with
 * the file and what is wrong, and with its server (if one still runs) and
 * tag, so `tsvnc kill :N` stops everything and removes the file.
 */
export async function damagedSession(damaged: DamagedRecord, sessionsDir: string): Promise<DamagedSession> {
  const { display, path, problem } = damaged;
  const found = await findOwnServer(display);
  const fix = found ? `tsvnc kill :${display} stops its server (pid ${found.server.pid}) and removes the file` : `tsvnc kill :${display} removes it`;
  return {
    state: 'damaged', display, path, reason: `damaged state file ${path}: ${problem}; ${fix}`,
    server: found?.server ?? null, tag: found?.tag ?? '', authFile: `${sessionsDir}/${display}.xauth`, foundAt: new Date().toISOString(),
  };
}
