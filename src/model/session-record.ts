import type { ProcessIdentity } from '../proc/process-identity.js';
import { rfbPort } from '../display/display-number.js';
import type { RestartPolicy } from './restart-policy.js';
import type { LogRotation } from './log-rotation.js';
import type { ExitInfo } from './exit-info.js';

export type { ExitInfo };

/** What the user asked for, resolved and validated: enough to start the same desktop again. */
export interface SessionOptions {
  geometry: string;
  depth: number;
  desktop: string;
  localhost: boolean;
  securityTypes: string[];
  rfbPort: number;
  /** Shell command of the session program; null runs none. */
  xstartup: string | null;
  autokill: boolean;
  extraArgs: string[];
  restart: RestartPolicy;
  /** Absent in sessions saved before log rotation existed: the defaults apply. */
  logRotation?: LogRotation;
  /** The starting command's umask, for the server and the session program; absent: the daemon's. */
  umask?: number;
  /** The password file given for this desktop; absent: ~/.vnc/passwd. */
  passwordFile?: string;
  /** The server's log file given for this desktop; absent: ~/.vnc/HOST:N.log, rotated. */
  logFile?: string;
  /** Seconds without a viewer after which the server ends the desktop; absent: never. */
  idleTimeout?: number;
  /** Served to browsers: the gateway's port and secret token, kept across restarts; cert and key when configured (else the user's generated pair). */
  web?: { port: number; token: string; cert?: string; key?: string };
  /** The certificate and key tsvnc gives the server for its X509 types; absent: none, or the server options name their own. */
  x509?: { cert: string; key: string };
  /**
   * One-time passwords: tsvnc's daemon owns the VNC port and authenticates
   * viewers itself, the server listening only on `socket` (owner-only, in
   * the state directory) with a password of tsvnc's own (`serverPasswordFile`,
   * beside it). `only`: the regular password is refused there.
   */
  otp?: { only: boolean; socket: string; serverPasswordFile: string };
}

/** Where the desktop's server itself takes RFB connections: its port, or with one-time passwords its Unix socket. */
export type RfbAddress = { port: number } | { path: string };

export function serverAddress(options: Pick<SessionOptions, 'rfbPort' | 'otp'>): RfbAddress {
  return options.otp ? { path: options.otp.socket } : { port: options.rfbPort };
}

/** What every session record holds, whatever its state. */
interface RecordBase {
  display: number;
  options: SessionOptions;
  /** The session program, leader of its own session and process group. */
  program: ProcessIdentity | null;
  log: string;
  authFile: string;
  xauthority: string;
  startedAt: string;
  restarts: number;
  lastExit: ExitInfo | null;
  /** What a restart needs: the server binary, the caller's environment and home. */
  binary: string;
  env: Record<string, string>;
  home: string;
  /** When the server failed recently (epoch ms), for crash-loop detection. */
  failures: number[];
  /** TSVNC_DESKTOP in everything the session starts (see tagged-processes.ts); '' in records saved before tags existed. */
  tag: string;
}

/** Being set up; its server once spawned but not yet ready, so a successor daemon can stop it. */
export interface StartingRecord extends RecordBase {
  state: 'starting';
  server: ProcessIdentity | null;
  reason: null;
}

export interface RunningRecord extends RecordBase {
  state: 'running';
  server: ProcessIdentity;
  reason: null;
}

/** Its server died; the next one once spawned but not yet ready. `reason` says why and when the next try is. */
export interface RestartingRecord extends RecordBase {
  state: 'restarting';
  server: ProcessIdentity | null;
  reason: string;
}

/**
 * Ended, listed with why until killed or started again. `server` is its
 * last one, if any, gone or going: kill makes sure and releases its lock.
 */
interface EndedRecord extends RecordBase {
  state: 'failed' | 'stopped';
  server: ProcessIdentity | null;
  reason: string;
}

/** One session as the daemon keeps it, and as `sessions/<N>.json` stores it: its shape follows its state. */
export type SessionRecord = StartingRecord | RunningRecord | RestartingRecord | EndedRecord;

export type SessionState = SessionRecord['state'];

/**
 * A session file that cannot be read as a record: what is known of it.
 * Listed as failed, with its server (one of ours that still runs on the
 * display) and tag if found, so `tsvnc kill :N` ends them and removes the file.
 */
export interface DamagedSession {
  state: 'damaged';
  display: number;
  path: string;
  /** What is wrong with the file and how to remove it, in one line. */
  reason: string;
  server: ProcessIdentity | null;
  tag: string;
  authFile: string;
  /** When this daemon found it. */
  foundAt: string;
}

/** An entry of the daemon's table of sessions. */
export type ListedRecord = SessionRecord | DamagedSession;

/** The `list --json` shape: stable keys for scripts. */
export interface SessionSummary {
  display: number;
  state: SessionState;
  pid: number | null;
  rfbPort: number;
  startedAt: string;
  uptimeSeconds: number | null;
  restarts: number;
  lastExit: ExitInfo | null;
  reason: string | null;
  log: string;
}

export function summarize(record: ListedRecord, now: number): SessionSummary {
  const { display, reason } = record;
  if (record.state === 'damaged') {
    return { display, state: 'failed', pid: null, rfbPort: rfbPort(display), startedAt: record.foundAt, uptimeSeconds: null, restarts: 0, lastExit: null, reason, log: '' };
  }
  const running = record.state === 'running';
  return {
    display,
    state: record.state,
    pid: running ? record.server.pid : null,
    rfbPort: record.options.rfbPort,
    startedAt: record.startedAt,
    uptimeSeconds: running ? Math.max(0, Math.round((now - Date.parse(record.startedAt)) / 1000)) : null,
    restarts: record.restarts,
    lastExit: record.lastExit,
    reason,
    log: record.log,
  };
}
