import { readdir, readlink } from 'node:fs/promises';
import { describeProcess, type ProcessInfo } from './process-info.js';

/**
 * Enough in-flight calls to keep libuv's thread pool busy without opening thousands of
 * directory handles at once on a large system.
 */
const CONCURRENCY = 64;

const SOCKET_LINK = /^socket:\[(\d+)\]$/;

/** Holders of each socket inode, like lsof; inodes nobody visible holds are absent from the map. */
export async function socketOwners(inodes: ReadonlySet<number>): Promise<Map<number, ProcessInfo[]>> {
  const owners = new Map<number, ProcessInfo[]>();
  if (inodes.size === 0) return owners;

  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const fdDirs = await mapLimit(pids, async (pid) => {
    const fds = await unlessVanished(readdir(`/proc/${pid}/fd`), []);
    return fds.map((fd) => ({ pid: Number(pid), path: `/proc/${pid}/fd/${fd}` }));
  });
  const fds = fdDirs.flat();
  const links = await mapLimit(fds, (fd) => unlessVanished(readlink(fd.path), ''));

  // A Set per inode: a process holding the same socket on several fds is listed once.
  const pidsByInode = new Map<number, Set<number>>();
  links.forEach((link, i) => {
    const digits = SOCKET_LINK.exec(link)?.[1];
    const fd = fds[i];
    if (digits === undefined || fd === undefined || !inodes.has(Number(digits))) return;
    const inode = Number(digits);
    const pids = pidsByInode.get(inode) ?? new Set<number>();
    pids.add(fd.pid);
    pidsByInode.set(inode, pids);
  });

  const holderPids = [...new Set([...pidsByInode.values()].flatMap((set) => [...set]))];
  const described = await mapLimit(holderPids, describeProcess);
  const infoByPid = new Map(holderPids.map((pid, i) => [pid, described[i]]));

  for (const [inode, pids] of pidsByInode) {
    const infos = [...pids]
      .sort((a, b) => a - b)
      .map((pid) => infoByPid.get(pid))
      .filter((info): info is ProcessInfo => info !== null && info !== undefined);
    if (infos.length > 0) owners.set(inode, infos);
  }
  return owners;
}

/** Processes exit and close fds while we scan, and other users' fds are not ours to read. */
async function unlessVanished<T>(pending: Promise<T>, fallback: T): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'ESRCH') return fallback;
    throw err;
  }
}

async function mapLimit<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}
