import { readUnixTable } from '../proc/net-unix.js';
import { socketOwners } from '../proc/socket-owners.js';
import { readStat } from '../proc/process-identity.js';

export interface Listener {
  pid: number;
  stopped: boolean;
  /** "pid 123, stopped": for a message about a daemon that does not answer. */
  text: string;
}

/** The process listening on a Unix socket path, from the kernel's tables: a daemon that does not answer cannot say who it is. */
export async function describeListener(socket: string): Promise<Listener | null> {
  const inodes = new Set((await readUnixTable()).filter((e) => e.listening && e.path === socket).map((e) => e.inode));
  const holders = [...(await socketOwners(inodes)).values()].flat().sort((a, b) => a.pid - b.pid);
  // A daemon's own children may hold its socket too: name the daemon.
  const first = holders.find((h) => / daemon --foreground/.test(h.command)) ?? holders[0];
  if (first === undefined) return null;
  const state = (await readStat(first.pid))?.state;
  const stopped = state === 'T' || state === 't';
  return { pid: first.pid, stopped, text: `pid ${first.pid}${stopped ? ', stopped' : ''}` };
}
