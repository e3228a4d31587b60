import { readFile } from 'node:fs/promises';
import { parseStat } from './process-identity.js';
import { printable } from '../output/printable.js';

/** Clock ticks per second in /proc counters: 100 on every mainstream Linux ABI, whatever CONFIG_HZ is. */
const USER_HZ = 100;
const MAX_COMMAND_LENGTH = 200;

export interface ProcessInfo {
  pid: number;
  command: string;
  uid?: number;
}


export function pidStatus(pid: number): 'alive' | 'dead' {
  // kill(0) and kill(-n) address process groups, so they would not tell us about one process.
  if (!Number.isInteger(pid) || pid <= 0 || pid > 0x7fffffff) return 'dead';
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return 'dead';
    // It exists but belongs to someone else: the X server treats that as alive too.
    if (code === 'EPERM') return 'alive';
    throw err;
  }
}

export function parseStatStartTicks(stat: string): number | null {
  return parseStat(stat)?.startTicks ?? null;
}

export function parseBootTime(procStat: string): number | null {
  const m = /^btime\s+(\d+)\s*$/m.exec(procStat);
  return m?.[1] === undefined ? null : Number(m[1]);
}

// The kernel derives btime from the current wall clock on every read, so it can move by a second
// between reads; caching keeps a process's start time stable when compared across calls.
let cachedBootTime: number | undefined;

async function bootTime(): Promise<number | null> {
  if (cachedBootTime === undefined) {
    const parsed = parseBootTime(await readFile('/proc/stat', 'utf8'));
    if (parsed === null) return null;
    cachedBootTime = parsed;
  }
  return cachedBootTime;
}

/** Epoch milliseconds, accurate to about a second (btime's resolution). */
export async function processStartTime(pid: number): Promise<number | null> {
  const stat = await readProcFile(pid, 'stat');
  const ticks = stat === null ? null : parseStatStartTicks(stat);
  if (ticks === null) return null;
  const boot = await bootTime();
  return boot === null ? null : boot * 1000 + (ticks * 1000) / USER_HZ;
}

export async function processCommand(pid: number): Promise<string | null> {
  const cmdline = await readProcFile(pid, 'cmdline');
  if (cmdline === null) return null;
  let command = cmdline.replaceAll('\0', ' ').trimEnd();
  if (command === '') {
    // Kernel threads and zombies have no argv left; ps shows their comm in brackets the same way.
    const comm = await readProcFile(pid, 'comm');
    if (comm === null) return null;
    command = `[${comm.replace(/\n$/, '')}]`;
  }
  // Any user chooses their argv: escaped here already, so the probe's JSON carries no forged lines either.
  return truncate(printable(command), MAX_COMMAND_LENGTH);
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  // Do not leave half of a surrogate pair at the end.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** Real uid. */
export async function processUid(pid: number): Promise<number | null> {
  const status = await readProcFile(pid, 'status');
  const m = status === null ? null : /^Uid:\s+(\d+)/m.exec(status);
  return m?.[1] === undefined ? null : Number(m[1]);
}

export async function describeProcess(pid: number): Promise<ProcessInfo | null> {
  const [command, uid] = await Promise.all([processCommand(pid), processUid(pid)]);
  if (command === null) return null;
  return uid === null ? { pid, command } : { pid, command, uid };
}

/** Null when the process is gone or hidden from us (hidepid), which callers cannot tell apart. */
async function readProcFile(pid: number, name: string): Promise<string | null> {
  try {
    return await readFile(`/proc/${pid}/${name}`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES' || code === 'EPERM') return null;
    throw err;
  }
}
