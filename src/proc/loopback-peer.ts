import { readTcpTable, type TcpEntry } from './net-tcp.js';

/** The end of a TCP connection as a server sees it. */
export interface Peer {
  remoteAddress: string;
  remotePort: number;
  localPort: number;
}

/** An IPv4 address as a dual-stack socket writes it (::ffff:a.b.c.d), as an IPv4 socket would. */
export function unmapped(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

export function isLoopback(address: string): boolean {
  const a = unmapped(address);
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
}

/** The connecting socket's own entry: its local end is the peer's, its remote end ours. */
function peerEntry(table: readonly TcpEntry[], peer: Peer): TcpEntry | undefined {
  return table.find((e) => e.localPort === peer.remotePort && e.remotePort === peer.localPort && unmapped(e.localAddress) === unmapped(peer.remoteAddress));
}

/**
 * The kernel's TCP table as read at or after `since` (performance.now()),
 * so it holds every connection accepted by then. Reading it costs the
 * kernel a walk over all sockets (7-10 ms here), so lookups share reads:
 * one under way serves whoever it can, and whoever it cannot waits for one
 * next read; a flood of connections costs one read at a time.
 */
let latest: { started: number; table: Promise<TcpEntry[]> } | null = null;
let next: Promise<TcpEntry[]> | null = null;

function tableSince(since: number): Promise<TcpEntry[]> {
  if (latest !== null && latest.started >= since) return latest.table;
  if (next !== null) return next;
  const before = latest?.table.catch(() => undefined);
  next = Promise.resolve(before).then(() => {
    const table = readTcpTable();
    latest = { started: performance.now(), table };
    next = null;
    return table;
  });
  return next;
}

/**
 * Whose process made a connection from this host, from the kernel's table
 * (the connecting socket's owner): every local user comes from 127.0.0.1,
 * so only the uid tells them apart. Null off loopback, or once the
 * connection is gone. `acceptedAt`: when the connection was accepted
 * (performance.now()).
 */
export async function loopbackPeerUid(peer: Peer, acceptedAt = performance.now()): Promise<number | null> {
  if (!isLoopback(peer.remoteAddress)) return null;
  return peerEntry(await tableSince(acceptedAt), peer)?.uid ?? null;
}
