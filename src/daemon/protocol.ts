import { StringDecoder } from 'node:string_decoder';
import { isErrorCode, TsvncError, type ErrorCode } from '../errors.js';
import { LOG_LEVELS, type Level } from '../log.js';
import type { SessionOptions, SessionSummary } from '../model/session-record.js';

/**
 * The control protocol: one request per connection on the owner-only Unix
 * socket, as one JSON line; the daemon answers at once with `accepted`
 * (its pid: a client tells a busy daemon from a wedged one), then any number
 * of `log` lines (progress the CLI shows at its log level) and then exactly
 * one `result` or `error` line, and closes.
 */
export interface StartRequest {
  display?: number;
  geometry?: string;
  depth?: number;
  desktop?: string;
  /** Unset: from the configuration, else yes. */
  localhost?: boolean;
  securityTypes?: string;
  rfbPort?: number;
  xstartup?: string;
  /** A desktop session from /usr/share/xsessions, by name. */
  session?: string;
  noXstartup: boolean;
  autokill?: boolean;
  restart?: string;
  restartLimit?: number;
  restartWindow?: number;
  insecure: boolean;
  extraArgs: string[];
  /** The caller's environment: the server is found on its PATH and the session program inherits it, as with vncserver. */
  env: Record<string, string>;
  /** The caller's umask, which the server and the session program get, as with vncserver; unset: the daemon's own (077). */
  umask?: number;
  /** Absolute: the VNC password file instead of ~/.vnc/passwd (TurboVNC's -rfbauth). */
  passwordFile?: string;
  /** Absolute: where the server's log goes instead of ~/.vnc/HOST:N.log (vncserver's -log), appended to, never rotated. */
  logFile?: string;
  /** End the desktop after this many seconds without a viewer (TurboVNC's -idletimeout). */
  idleTimeout?: number;
  /** Serve it to browsers too (a gateway of the daemon's); unset: from the configuration, else no. */
  web?: boolean;
  /** The web gateway's port instead of 5800+N (which displays above 99 lack); implies web. */
  webPort?: number;
  /** One-time passwords (tsvnc otp :N): yes, or only (the regular password refused on the VNC port); unset: from the configuration, else no. */
  otp?: 'no' | 'yes' | 'only';
}

/** Where a browser opens a desktop: the URL carries its secret token; the fingerprint is the certificate's, to check what the browser shows. */
export interface WebInfo {
  url: string;
  port: number;
  fingerprint: string;
}

/** What the daemon answers a start with: the new session, and the host a viewer connects to. */
export interface StartResult extends SessionSummary {
  host: string;
  localhost: boolean;
  /** What it was started with, defaults and configuration applied: what vncserver's words about it need. */
  options: SessionOptions;
  /** The system daemon's answer: whose daemon runs the session. */
  user?: string;
  /** Never on the wire: set by the client when `--useold` found this session already running. */
  reused?: boolean;
  web?: WebInfo;
  /** With one-time passwords: the first, as TurboVNC's vncserver -otp prints it. */
  otp?: string;
}

export interface StatusResult extends SessionSummary {
  host: string;
  options: SessionOptions;
  programPid: number | null;
  lastLog: string[];
  web?: WebInfo;
  /** What keeps viewers from a running desktop: a port of its the daemon cannot open (tried again every 2 s). */
  notServed?: string[];
}

export interface PingResult {
  pid: number;
  /** The system daemon's answer. */
  system?: true;
}

export interface KillResult {
  killed: number[];
}

/** A desktop's browser access after `tsvnc web`: null when it has none. */
export interface WebResult {
  display: number;
  web: WebInfo | null;
}

/** A new one-time password for a desktop: valid for one successful authentication. */
export interface OtpResult {
  display: number;
  password: string;
}

/** A session as listed; `user` and `conflict` (a claim the kernel contradicts) only from the system daemon's `list --all`. */
export type ListedSession = SessionSummary & { user?: string; conflict?: string };

/**
 * Each op: the fields its request carries besides `op`, and its result.
 * One table, so a request, its handler and its caller cannot drift apart.
 */
interface Ops {
  ping: { request: object; result: PingResult };
  start: { request: { start: StartRequest }; result: StartResult };
  /** `all`: every user's sessions, for root through the system daemon. */
  list: { request: { all?: boolean }; result: ListedSession[] };
  status: { request: { display: number }; result: StatusResult };
  kill: { request: { target: number | 'all'; clean: boolean }; result: KillResult };
  /** Browser access to a running desktop: on (with `newToken`, a new token for its URL) or off. */
  web: { request: { display: number; on: boolean; newToken: boolean; port?: number }; result: WebResult };
  otp: { request: { display: number }; result: OtpResult };
}

export type Op = keyof Ops;
export type RequestOf<K extends Op> = { op: K } & Ops[K]['request'];
export type ResultOf<K extends Op> = Ops[K]['result'];
export type Request = { [K in Op]: RequestOf<K> }[Op];
export type Result = ResultOf<Op>;
export type Log = (level: Level, message: string) => void;

/** A daemon's answer to each op; `gone` is aborted when the client hangs up before its answer: a forwarder passes it on. */
export type Handlers = { [K in Op]: (request: RequestOf<K>, log: Log, gone?: AbortSignal) => Promise<ResultOf<K>> };

/** Hands a request to the handler of its op, typed by that op. */
export function dispatch<K extends Op>(handlers: Handlers, request: RequestOf<K>, log: Log, gone?: AbortSignal): Promise<ResultOf<K>> {
  return handlers[request.op](request, log, gone);
}

/** On the wire a result is whatever arrived: unknown until the client has checked it (check-result.ts). */
export type Message<R = Result> =
  | { type: 'accepted'; pid: number }
  | { type: 'log'; level: Level; message: string }
  | { type: 'result'; result: R }
  | { type: 'error'; code: ErrorCode; message: string; hint?: string };

export const MAX_LINE_BYTES = 1 << 20;

export function encode(message: Message<unknown> | RequestOf<Op>): string {
  return `${JSON.stringify(message)}\n`;
}

const LEVELS = new Set<string>(LOG_LEVELS);

/** The envelope's shape; what a result holds is its op's to check. */
function isMessage(v: unknown): v is Message<unknown> {
  if (typeof v !== 'object' || v === null || !('type' in v)) return false;
  switch (v.type) {
    case 'result': return true;
    case 'accepted': return 'pid' in v && Number.isInteger(v.pid);
    // An unknown code would have no exit status: a daemon of another user could make a failure exit 0.
    case 'error': return 'code' in v && isErrorCode(v.code) && 'message' in v && typeof v.message === 'string';
    case 'log': return 'level' in v && typeof v.level === 'string' && LEVELS.has(v.level);
    default: return false;
  }
}

export function parseMessage(line: string): Message<unknown> {
  const value: unknown = JSON.parse(line);
  if (!isMessage(value)) throw new Error(`unexpected daemon message: ${line.slice(0, 200)}`);
  return value;
}

export function errorMessage(error: unknown): Message {
  if (error instanceof TsvncError) {
    return error.hint === undefined
      ? { type: 'error', code: error.code, message: error.message }
      : { type: 'error', code: error.code, message: error.message, hint: error.hint };
  }
  return { type: 'error', code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** Splits a byte stream into lines (UTF-8 safe across chunks), refusing a line longer than MAX_LINE_BYTES. */
export function lineSplitter(onLine: (line: string) => void): (chunk: Buffer) => void {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const check = (text: string) => {
    if (Buffer.byteLength(text) > MAX_LINE_BYTES) throw new Error('control message too long');
  };
  return (chunk) => {
    pending += decoder.write(chunk);
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      check(line);
      if (line.trim() !== '') onLine(line);
    }
    check(pending);
  };
}
