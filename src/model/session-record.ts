import type { ProcessIdentity } from '../proc/process-identity.js';
import { rfbPort } from '../display/display-number.js';
import { DEFAULT_POLICY, type RestartPolicy } from './restart-policy.js';
import type { LogRotation } from './log-rotation.js';
import type { ExitInfo } from './exit-info.js';

export type { ExitInfo };

export type SessionState = 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';

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
}

/** One session as the daemon keeps it, and as `sessions/<N>.json` stores it. */
export interface SessionRecord {
  display: number;
  state: SessionState;
  options: SessionOptions;
  server: ProcessIdentity | null;
  /** The session program, leader of its own session and process group. */
  program: ProcessIdentity | null;
  log: string;
  authFile: string;
  xauthority: string;
  startedAt: string;
  restarts: number;
  lastExit: ExitInfo | null;
  /** Why the session is not running, in one line, for list and status. */
  reason: string | null;
  /** What a restart needs: the server binary, the caller's environment and home. */
  binary: string;
  env: Record<string, string>;
  home: string;
  /** When the server failed recently (epoch ms), for crash-loop detection. */
  failures: number[];
  /** TSVNC_DESKTOP in everything the session starts (see tagged-processes.ts); '' in records saved before tags existed. */
  tag: string;
}

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

export function summarize(record: SessionRecord, now: number): SessionSummary {
  const running = record.state === 'running';
  return {
    display: record.display,
    state: record.state,
    pid: running ? record.server?.pid ?? null : null,
    rfbPort: record.options.rfbPort,
    startedAt: record.startedAt,
    uptimeSeconds: running ? Math.max(0, Math.round((now - Date.parse(record.startedAt)) / 1000)) : null,
    restarts: record.restarts,
    lastExit: record.lastExit,
    reason: record.reason,
    log: record.log,
  };
}

/** A record with nothing known but its display: a session still being set up, or one whose file is damaged. */
export function blankRecord(display: number, state: SessionState, reason: string | null): SessionRecord {
  return {
    display, state,
    options: { geometry: '', depth: 0, desktop: '', localhost: true, securityTypes: [], rfbPort: rfbPort(display), xstartup: null, autokill: true, extraArgs: [], restart: DEFAULT_POLICY },
    server: null, program: null, log: '', authFile: '', xauthority: '', startedAt: new Date().toISOString(), restarts: 0, lastExit: null, reason,
    binary: '', env: {}, home: '', failures: [], tag: '',
  };
}
