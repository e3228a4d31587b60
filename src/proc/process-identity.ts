import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/**
 * A pid names a process only until it exits; the pid plus its start time (in
 * clock ticks since boot, from /proc/<pid>/stat) names it for good. Every
 * signal tsvnc sends is checked against one of these first.
 */
export interface ProcessIdentity {
  pid: number;
  startTicks: number;
}

/** The same process: pid and start time both match (a pid alone may have been reused). */
export function sameProcess(a: ProcessIdentity | null, b: ProcessIdentity | null): boolean {
  return a !== null && b !== null && a.pid === b.pid && a.startTicks === b.startTicks;
}

export interface StatFields {
  state: string;
  pgrp: number;
  session: number;
  startTicks: number;
}

/** Fields counted from 1 as in proc(5); comm (field 2) may contain spaces and ')'. */
export function parseStat(stat: string): StatFields | null {
  if (!stat.includes(')')) return null;
  const rest = stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  const fields = { state: rest[0] ?? '', pgrp: field(5), session: field(6), startTicks: field(22) };
  return Number.isInteger(fields.pgrp) && Number.isInteger(fields.session) && Number.isInteger(fields.startTicks) ? fields : null;
}

export async function readStat(pid: number): Promise<StatFields | null> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

export async function identify(pid: number): Promise<ProcessIdentity | null> {
  const stat = await readStat(pid);
  return stat === null ? null : { pid, startTicks: stat.startTicks };
}

/**
 * Synchronous on purpose, right after spawn(): node reaps children in its
 * event loop, so until we yield, even a child that already exited is still
 * a zombie with its /proc entry.
 */
export function identifyChild(pid: number): ProcessIdentity | null {
  try {
    const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return stat === null ? null : { pid, startTicks: stat.startTicks };
  } catch {
    return null;
  }
}

/** A zombie has exited already: it is not the running process we started. */
export async function isRunning(id: ProcessIdentity): Promise<boolean> {
  const stat = await readStat(id.pid);
  return stat !== null && stat.startTicks === id.startTicks && stat.state !== 'Z';
}

/** What is read of /proc, so tests can play a pid reused between two reads. */
export interface ProcReader {
  pids(): Promise<number[]>;
  stat(pid: number): Promise<StatFields | null>;
}

export const PROC: ProcReader = {
  pids: async () => (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number),
  stat: readStat,
};

/**
 * The processes whose session id is `sid`: what is left of a session
 * program after its leader exits. Each identity comes from the very read
 * that found it in the session: reading the start time again later could
 * name a process that took over the pid meanwhile and is no member at all.
 */
export async function sessionMembers(sid: number, proc: ProcReader = PROC): Promise<ProcessIdentity[]> {
  const stats = await Promise.all((await proc.pids()).map(async (pid) => ({ pid, stat: await proc.stat(pid) })));
  return stats.flatMap(({ pid, stat }) => (stat !== null && stat.session === sid && stat.state !== 'Z' ? [{ pid, startTicks: stat.startTicks }] : []));
}
