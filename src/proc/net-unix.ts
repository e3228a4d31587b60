import { readFile } from 'node:fs/promises';

export interface UnixEntry {
  /** As the kernel prints it: abstract names start with `@`. */
  path: string;
  inode: number;
  listening: boolean;
  /** SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5. */
  type: number;
  /** SS_* socket state: 1 unconnected, 2 connecting, 3 connected, 4 disconnecting. */
  state: number;
}

/** Set in the Flags column exactly when the socket is listening. */
const SO_ACCEPTCON = 0x10000;

// Num, RefCount, Protocol, Flags, Type, St, Inode, then a single space and the name, if any.
// The name is taken verbatim after that space because socket paths may contain spaces.
const LINE = /^\s*[0-9a-f]+:\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+(\d+) (.*)$/i;

export function parseProcNetUnix(text: string): UnixEntry[] {
  const entries: UnixEntry[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m === null) continue;
    const [, flags = '', type = '', state = '', inode, path = ''] = m;
    if (path.trim() === '') continue;
    entries.push({
      path,
      inode: Number(inode),
      listening: (Number.parseInt(flags, 16) & SO_ACCEPTCON) !== 0,
      type: Number.parseInt(type, 16),
      state: Number.parseInt(state, 16),
    });
  }
  return entries;
}

export async function readUnixTable(): Promise<UnixEntry[]> {
  return parseProcNetUnix(await readFile('/proc/net/unix', 'utf8'));
}
