import { readTcpTable, type TcpEntry } from './net-tcp.js';

/** The end of a TCP connection as a server sees it. */
export interface Peer {
  remoteAddress: string;
  remotePort: number;
  localPort: number;
}

const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

export function isLoopback(address: string): boolean {
  const a = plain(address);
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
}

/** The connecting socket's own entry: its local end is the peer's, its remote end ours. */
function peerEntry(table: readonly TcpEntry[], peer: Peer): TcpEntry | undefined {
  return table.find((e) => e.localPort === peer.remotePort && e.remotePort === peer.localPort && plain(e.localAddress) === plain(peer.remoteAddress));
}

/**
 * Whose process made a connection from this host, from the kernel's table
 * (the connecting socket's owner): every local user comes from 127.0.0.1,
 * so only the uid tells them apart. Null off loopback, or once the
 * connection is gone.
 */
export async function loopbackPeerUid(peer: Peer): Promise<number | null> {
  if (!isLoopback(peer.remoteAddress)) return null;
  return peerEntry(await readTcpTable(), peer)?.uid ?? null;
}
