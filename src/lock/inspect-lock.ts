import { readRegularNoFollow } from '../tmp/safe-tmp.js';
import { parseLock } from './x-lock-format.js';
import { describeProcess, pidStatus, processStartTime } from '../proc/process-info.js';
import { isXServer } from '../display/x-server.js';

/**
 * Clock slack when comparing a process start time (boot time has 1 s
 * resolution) with the lock's mtime: a pid reused within this window after
 * the lock was written is not detected.
 */
export const START_SLACK_MS = 1500;

export type LockState =
  | { state: 'absent' }
  | { state: 'live'; pid: number; command: string | null; uid: number | null; fileUid: number; ino: number }
  | { state: 'stale'; pid: number; why: string; fileUid: number; ino: number }
  | { state: 'suspect'; why: string; fileUid: number };

export async function inspectLock(path: string): Promise<LockState> {
  const read = await readRegularNoFollow(path, 64);
  if (read.kind === 'missing') return { state: 'absent' };
  if (read.kind === 'unreadable') {
    return { state: 'suspect', why: `${path} cannot be read (${read.error}); the X server cannot read it either`, fileUid: -1 };
  }
  if (read.kind === 'not-regular') {
    return {
      state: 'suspect',
      why: `${path} is a ${read.type}, not a lock file; tsvnc will not follow or trust it`,
      fileUid: read.stat.uid,
    };
  }
  const { stat, content } = read;
  const base = { fileUid: stat.uid, ino: stat.ino };
  const pid = parseLock(content.toString('latin1'));
  if (pid === null) {
    return { state: 'suspect', why: `${path} does not contain a valid pid, and the X server refuses a lock it cannot read; its owner (uid ${stat.uid}) or root can remove it`, fileUid: stat.uid };
  }
  if (pidStatus(pid) === 'dead') {
    return { state: 'stale', pid, why: `it names pid ${pid}, which is not running`, ...base };
  }
  const started = await processStartTime(pid);
  const holder = await describeProcess(pid);
  // An X server is never taken for a reused pid: a clock stepped forward would otherwise make a live server's lock look stale.
  if (started !== null && started > stat.mtimeMs + START_SLACK_MS && !isXServer(holder?.command ?? null)) {
    const what = holder ? `${holder.command}` : 'another process';
    return {
      state: 'stale',
      pid,
      why:
        `it names pid ${pid}, but that pid now belongs to ${what}, started ` +
        `${new Date(started).toISOString()}, after the lock was written at ${new Date(stat.mtimeMs).toISOString()} (pid reused)`,
      ...base,
    };
  }
  return { state: 'live', pid, command: holder?.command ?? null, uid: holder?.uid ?? null, ...base };
}

/** Judged on the file itself, e.g. once it is renamed aside where nobody else can change it. */
export async function isStaleLock(path: string): Promise<boolean> {
  return (await inspectLock(path)).state === 'stale';
}
