import type { TcpEntry } from '../proc/net-tcp.js';
import type { TcpHolder } from '../model/probe-result.js';
import type { ProcessInfo } from '../proc/process-info.js';

export function entriesOnPort(table: readonly TcpEntry[], port: number): TcpEntry[] {
  return table.filter((entry) => entry.localPort === port);
}

function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** One holder per owning process, as lsof lists them; sockets no process owns (TIME_WAIT) get pid null. */
export function holdersOf(entries: readonly TcpEntry[], owners: ReadonlyMap<number, ProcessInfo[]>): TcpHolder[] {
  return entries.flatMap((entry): TcpHolder[] => {
    const base = {
      state: entry.state,
      family: entry.family,
      local: endpoint(entry.localAddress, entry.localPort),
      remote: endpoint(entry.remoteAddress, entry.remotePort),
      ...(entry.state === 'TIME_WAIT' ? { expiresInSeconds: entry.timerSeconds } : {}),
    };
    const processes = entry.inode === 0 ? [] : owners.get(entry.inode) ?? [];
    if (processes.length === 0) return [{ pid: null, command: null, uid: entry.uid, ...base }];
    return processes.map((p) => ({ pid: p.pid, command: p.command, uid: p.uid ?? entry.uid, ...base }));
  });
}

/** Connections whose local end is the port while nobody listens on it: outgoing ones took it as their ephemeral port. */
export function isOutgoing(holder: TcpHolder, all: readonly TcpHolder[]): boolean {
  return holder.state !== 'LISTEN' && !all.some((other) => other.state === 'LISTEN');
}

function hostOf(endpoint: string): string {
  return endpoint.startsWith('[') ? endpoint.slice(1, endpoint.indexOf(']')) : endpoint.slice(0, endpoint.lastIndexOf(':'));
}

/**
 * Whether a socket bound at `endpoint` conflicts with binding `address` on the
 * same port: the same address, a wildcard on either side, or an IPv4-mapped
 * or dual-stack IPv6 socket (/proc does not say which :: sockets are v6-only).
 */
export function overlaps(address: string, endpoint: string): boolean {
  const host = hostOf(endpoint);
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host.includes(':') ? null : host;
  if (address.includes(':')) {
    return host === '::' || host === address || address === '::' && v4 === null;
  }
  return host === '::' || v4 === '0.0.0.0' || address === '0.0.0.0' && v4 !== null || v4 === address;
}
