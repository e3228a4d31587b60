import { StringDecoder } from 'node:string_decoder';
import { TsvncError, type ErrorCode } from '../errors.js';
import { LOG_LEVELS, type Level } from '../log.js';

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
}

export type Request =
  | { op: 'ping' }
  | { op: 'start'; start: StartRequest }
  /** `all`: every user's sessions, for root through the system daemon. */
  | { op: 'list'; all?: boolean }
  | { op: 'status'; display: number }
  | { op: 'kill'; target: number | 'all'; clean: boolean };

export type Message =
  | { type: 'accepted'; pid: number }
  | { type: 'log'; level: Level; message: string }
  | { type: 'result'; result: unknown }
  | { type: 'error'; code: ErrorCode; message: string; hint?: string };

export const MAX_LINE_BYTES = 1 << 20;

export function encode(message: Message | Request): string {
  return `${JSON.stringify(message)}\n`;
}

const OPS = new Set(['ping', 'start', 'list', 'status', 'kill']);

export function parseRequest(line: string): Request {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new TsvncError('BAD_ARGUMENT', 'the control request is not JSON', 'use the tsvnc command line');
  }
  const op = (value as { op?: unknown } | null)?.op;
  if (typeof op !== 'string' || !OPS.has(op)) throw new TsvncError('BAD_ARGUMENT', `unknown control request ${JSON.stringify(op)}`, 'use the tsvnc command line');
  return value as Request;
}

const LEVELS = new Set<string>(LOG_LEVELS);

export function parseMessage(line: string): Message {
  const value = JSON.parse(line) as Message | null;
  const valid = value !== null && typeof value === 'object'
    && (value.type === 'result' || (value.type === 'accepted' && Number.isInteger(value.pid)) || (value.type === 'error' && typeof value.code === 'string') || (value.type === 'log' && LEVELS.has(value.level)));
  if (!valid) throw new Error(`unexpected daemon message: ${line.slice(0, 200)}`);
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
