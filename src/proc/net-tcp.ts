import { readFile } from 'node:fs/promises';
import os from 'node:os';

/** A socket's state as /proc/net/tcp numbers it (include/net/tcp_states.h). */
export type TcpState =
  | 'ESTABLISHED' | 'SYN_SENT' | 'SYN_RECV' | 'FIN_WAIT1' | 'FIN_WAIT2' | 'TIME_WAIT'
  | 'CLOSE' | 'CLOSE_WAIT' | 'LAST_ACK' | 'LISTEN' | 'CLOSING' | 'NEW_SYN_RECV' | 'UNKNOWN';

export interface TcpEntry {
  family: 'ipv4' | 'ipv6';
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: TcpState;
  uid: number;
  inode: number;
  /** The kernel's timer kind: 0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe. */
  timerActive: number;
  /** Time left on that timer; for TIME_WAIT, how long until the kernel releases the port. */
  timerSeconds: number;
}

/** Indexed by the kernel's state number (include/net/tcp_states.h). */
const STATES: readonly TcpState[] = [
  'UNKNOWN', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT',
  'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV',
];

/** tm->when is in clock_t ticks of USER_HZ, which is 100 on every mainstream Linux ABI. */
const USER_HZ = 100;

const ADDRESS_HEX_LENGTH = { ipv4: 8, ipv6: 32 } as const;

// sl, local, remote, st, tx:rx queues, tr:tm->when, retrnsmt, uid, timeout, inode.
const LINE = new RegExp(
  String.raw`^\s*\d+:\s+([0-9A-F]+):([0-9A-F]{4})\s+([0-9A-F]+):([0-9A-F]{4})\s+([0-9A-F]{2})` +
    String.raw`\s+[0-9A-F]+:[0-9A-F]+\s+([0-9A-F]{2}):([0-9A-F]+)\s+[0-9A-F]+\s+(\d+)\s+-?\d+\s+(\d+)(?:\s|$)`,
  'i',
);

export function parseProcNetTcp(text: string, family: 'ipv4' | 'ipv6'): TcpEntry[] {
  // The kernel prints each 32-bit word of the network-order address as a host-order integer.
  const littleEndian = os.endianness() === 'LE';
  const entries: TcpEntry[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m === null) continue;
    const [, local = '', localPort = '', remote = '', remotePort = '', state = '', timer = '', when = '', uid, inode] = m;
    const localAddress = decodeAddress(local, family, littleEndian);
    const remoteAddress = decodeAddress(remote, family, littleEndian);
    if (localAddress === null || remoteAddress === null) continue;
    entries.push({
      family,
      localAddress,
      localPort: Number.parseInt(localPort, 16),
      remoteAddress,
      remotePort: Number.parseInt(remotePort, 16),
      state: STATES[Number.parseInt(state, 16)] ?? 'UNKNOWN',
      uid: Number(uid),
      inode: Number(inode),
      timerActive: Number.parseInt(timer, 16),
      timerSeconds: Number.parseInt(when, 16) / USER_HZ,
    });
  }
  return entries;
}

function decodeAddress(hex: string, family: 'ipv4' | 'ipv6', littleEndian: boolean): string | null {
  if (hex.length !== ADDRESS_HEX_LENGTH[family]) return null;
  const bytes = Buffer.from(hex, 'hex');
  if (littleEndian) bytes.swap32();
  return family === 'ipv4' ? formatIpv4(bytes) : formatIpv6(bytes);
}

function formatIpv4(bytes: Uint8Array): string {
  return Array.from(bytes).join('.');
}

/** RFC 5952 text form. */
function formatIpv6(bytes: Buffer): string {
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes.readUInt16BE(10) === 0xffff) {
    return `::ffff:${formatIpv4(bytes.subarray(12))}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  // Only a run of two or more zero groups is compressed; the first of equally long runs wins.
  let runStart = -1;
  let runLength = 1;
  for (let i = 0; i < groups.length; ) {
    let end = i;
    while (groups[end] === 0) end++;
    if (end - i > runLength) {
      runStart = i;
      runLength = end - i;
    }
    i = Math.max(end, i + 1);
  }
  const hex = groups.map((g) => g.toString(16));
  if (runStart < 0) return hex.join(':');
  return `${hex.slice(0, runStart).join(':')}::${hex.slice(runStart + runLength).join(':')}`;
}

/** Sockets of this process's network namespace, IPv4 then IPv6. */
export async function readTcpTable(): Promise<TcpEntry[]> {
  const [v4, v6] = await Promise.all([
    readFile('/proc/net/tcp', 'utf8'),
    readFile('/proc/net/tcp6', 'utf8').catch((err: unknown) => {
      // Absent when IPv6 is disabled in the kernel.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw err;
    }),
  ]);
  return [...parseProcNetTcp(v4, 'ipv4'), ...parseProcNetTcp(v6, 'ipv6')];
}
