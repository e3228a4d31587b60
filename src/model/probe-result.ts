import type { TcpState } from '../proc/net-tcp.js';
import type { ProcessInfo } from '../proc/process-info.js';

/** The probe's view of one display; this shape is also the `--json` output of `tsvnc probe`. */

export interface TcpHolder {
  pid: number | null;
  command: string | null;
  uid: number | null;
  state: TcpState;
  family: 'ipv4' | 'ipv6';
  local: string;
  remote: string;
  /** Seconds until a TIME_WAIT entry is released by the kernel. */
  expiresInSeconds?: number;
}

export type PortRole = 'rfb' | 'x11' | 'web';

export interface LockReason {
  kind: 'lock';
  blocking: true;
  path: string;
  pid: number | null;
  command: string | null;
  uid: number | null;
  detail: string;
}

export interface TcpReason {
  kind: 'tcp';
  /** False for the X11 port when the server will not listen on TCP: vncserver's check still refuses it. */
  blocking: boolean;
  port: number;
  role: PortRole;
  family: 'ipv4' | 'ipv6';
  address: string;
  error: string;
  holders: TcpHolder[];
}

export interface UnixSocketReason {
  kind: 'unix-socket' | 'abstract-socket';
  blocking: boolean;
  path: string;
  holders: ProcessInfo[];
  detail: string;
}

export type Reason = LockReason | TcpReason | UnixSocketReason;

export interface Stale {
  kind: 'lock' | 'unix-socket' | 'temp-lock';
  path: string;
  why: string;
  /** Provably stale: `doctor --fix` may remove it. */
  removable: boolean;
  uid: number | null;
  /** The inode judged stale: removal checks it is still the same file. */
  ino?: number;
}

export interface PortNote {
  port: number;
  role: PortRole;
  holders: TcpHolder[];
}

export type Risk =
  | { kind: 'ephemeral-range'; port: number; role: PortRole; range: [number, number]; detail: string }
  | { kind: 'sshd-x11-forwarding'; window: [number, number]; config: string; conditional: boolean; detail: string }
  | { kind: 'port-overlap'; port: number; otherDisplay: number; detail: string }
  | { kind: 'reserved'; source: string; detail: string };

export interface ProbeOptions {
  /** Server listens on 127.0.0.1 and ::1 only (tsvnc's default), else on the wildcards. */
  localhost: boolean;
  /** Server will also accept X11 clients on TCP 6000+n (`-listen tcp`). */
  listenTcp: boolean;
  /** RFB port when not 5900+n. */
  rfbPort?: number;
  /** The desktop will be served to browsers: its web port (5800+n unless given) must be free too, bound as the RFB port. */
  web?: { port?: number };
}

export interface ProbeResult {
  display: number;
  free: boolean;
  rfbPort: number;
  x11Port: number;
  reasons: Reason[];
  stale: Stale[];
  risks: Risk[];
  /** Sockets on the display's ports that do not block it, e.g. TIME_WAIT left by an earlier server. */
  notes: PortNote[];
}
