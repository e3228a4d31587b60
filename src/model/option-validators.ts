import { TsvncError } from '../errors.js';
import { firstUnprintable, quote } from '../output/printable.js';
import { MAX_PORT } from '../display/display-number.js';
import { RESTART_MODES, type RestartMode, type RestartPolicy } from './restart-policy.js';

/*
 * Everything about a start that can be judged without touching the system,
 * so bad input fails in the CLI before a daemon or a display is involved
 * (and again in the daemon, which trusts no client). The configuration
 * files and vncserver's command line are checked by the same functions.
 */

export const DEFAULT_GEOMETRY = '1920x1080';
export const DEFAULT_DEPTH = 24;
const DEPTHS = [16, 24, 32];
/** Xvnc refuses a framebuffer larger than 16384 pixels on a side. */
const MAX_SIDE = 16384;

/** TigerVNC's security types, spelled as Xtigervnc prints them. */
const SECURITY_TYPES = ['None', 'VncAuth', 'Plain', 'TLSNone', 'TLSVnc', 'TLSPlain', 'X509None', 'X509Vnc', 'X509Plain'] as const;
/** Types that check the password in ~/.vnc/passwd. */
const USES_PASSWD_FILE = new Set(['VncAuth', 'TLSVnc', 'X509Vnc']);

/**
 * Bounds on free text, so a start fails with a sentence rather than with
 * spawn's E2BIG (128 KiB per argument) or a viewer's title bar of a megabyte.
 */
export const MAX_DESKTOP_NAME = 256;
export const MAX_COMMAND = 4096;
const MAX_SERVER_ARGS = 256;

/** Free text that ends up in a command line, a window title and tsvnc's output: bounded, no control characters. */
export function plainText(option: string, value: string, max: number): string {
  if (value.length > max) throw new TsvncError('BAD_ARGUMENT', `${option} is ${value.length} characters long`, `give at most ${max}`);
  const bad = firstUnprintable(value);
  if (bad !== null) throw new TsvncError('BAD_ARGUMENT', `${option} ${quote(value)} contains the control character ${bad}`, 'give it without control characters');
  return value;
}

export function parseDesktop(text: string): string {
  if (text === '') throw new TsvncError('BAD_ARGUMENT', '--desktop is empty', 'give the name viewers show, e.g. --desktop work');
  return plainText('--desktop', text, MAX_DESKTOP_NAME);
}

export function parseGeometry(text: string): string {
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(text);
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!match || width < 32 || height < 32 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new TsvncError('BAD_ARGUMENT', `--geometry ${quote(text)} is not a screen size`, `give WIDTHxHEIGHT, each from 32 to ${MAX_SIDE}, e.g. 1920x1080`);
  }
  return `${width}x${height}`;
}

/** `--rfbport` as a number, or as typed: digits only, so "5901.5" or "0x170d" are refused rather than coerced. */
export function parsePort(value: number | string, option = '--rfbport'): number {
  const port = typeof value === 'number' ? value : /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > MAX_PORT) {
    throw new TsvncError('BAD_ARGUMENT', `${option} ${typeof value === 'string' ? quote(value) : value} is not a TCP port`, `give a number from 1 to ${MAX_PORT}`);
  }
  return port;
}

export function parseDepth(value: number): number {
  if (!DEPTHS.includes(value)) throw new TsvncError('BAD_ARGUMENT', `--depth ${value} is not supported`, `use one of ${DEPTHS.join(', ')}`);
  return value;
}

export function parseSecurityTypes(text: string): string[] {
  const types = text.split(',').map((t) => t.trim()).filter(Boolean).map((given) => {
    const known = SECURITY_TYPES.find((t) => t.toLowerCase() === given.toLowerCase());
    if (!known) throw new TsvncError('BAD_ARGUMENT', `unknown security type ${quote(given)}`, `use a comma-separated list of ${SECURITY_TYPES.join(', ')}`);
    return known;
  });
  if (types.length === 0) throw new TsvncError('BAD_ARGUMENT', '--security-types is empty', `use a comma-separated list of ${SECURITY_TYPES.join(', ')}`);
  return [...new Set(types)];
}

export function usesPasswdFile(types: readonly string[]): boolean {
  return types.some((t) => USES_PASSWD_FILE.has(t));
}

/** The restart options as a start request or a configuration file gives them, unchecked. */
export interface RestartRequest {
  restart?: string;
  restartLimit?: number;
  restartWindow?: number;
}

export function parseRestart(req: RestartRequest, defaults: RestartPolicy): RestartPolicy {
  const mode = req.restart ?? defaults.mode;
  if (!RESTART_MODES.includes(mode as RestartMode)) throw new TsvncError('BAD_ARGUMENT', `--restart ${quote(String(mode))} is not a restart policy`, `use one of ${RESTART_MODES.join(', ')}`);
  const limit = req.restartLimit ?? defaults.limit;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new TsvncError('BAD_ARGUMENT', `--restart-limit ${limit} is not accepted`, 'give a number of failures from 1 to 1000');
  const windowSeconds = req.restartWindow ?? defaults.windowSeconds;
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > 86_400) throw new TsvncError('BAD_ARGUMENT', `--restart-window ${windowSeconds} is not accepted`, 'give seconds from 1 to 86400');
  return { mode: mode as RestartMode, limit, windowSeconds };
}

/** A file the daemon opens for the caller: absolute, since the daemon runs elsewhere (the client resolves it). */
export function parseFilePath(option: string, path: string): string {
  plainText(option, path, MAX_COMMAND);
  if (!path.startsWith('/')) throw new TsvncError('BAD_ARGUMENT', `${option} ${quote(path)} is not an absolute path`, 'give the whole path');
  return path;
}

/** A week: an idle timeout longer than any job, and far below the server's own limit. */
const MAX_IDLE_SECONDS = 604_800;

export function parseIdleTimeout(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_IDLE_SECONDS) {
    throw new TsvncError('BAD_ARGUMENT', `--idle-timeout ${seconds} is not accepted`, `give seconds from 1 to ${MAX_IDLE_SECONDS}`);
  }
  return seconds;
}

/**
 * A server option tsvnc sets itself. `option` is the start option that sets
 * it instead (null: none does); a ~/.vnc/config line with it maps onto the
 * tsvnc.conf key `setting`, or is refused for `why`.
 */
type ManagedOption = { option: string; setting: string } | { option: string | null; why: string };

const PASSWD: ManagedOption = { option: '--password-file', why: 'a password file other than ~/.vnc/passwd is given with --password-file' };

/** The one list of server options tsvnc manages (lower case), for the command line and ~/.vnc/config alike. */
const MANAGED_OPTIONS: Readonly<Record<string, ManagedOption>> = {
  desktop: { option: '--desktop', setting: 'desktop' },
  geometry: { option: '--geometry', setting: 'geometry' },
  depth: { option: '--depth', setting: 'depth' },
  localhost: { option: '--localhost', setting: 'localhost' },
  securitytypes: { option: '--security-types', setting: 'security-types' },
  rfbport: { option: '--rfbport', why: 'tsvnc start --rfbport sets it per session' },
  interface: { option: '--localhost', why: 'use localhost=no to listen on every interface' },
  displayfd: { option: null, why: 'tsvnc needs it for readiness' },
  auth: { option: null, why: 'tsvnc gives each server its own cookie' },
  passwordfile: PASSWD,
  rfbauth: PASSWD,
  inetd: { option: null, why: 'tsvnc runs each server itself' },
};

function hint(managed: ManagedOption): string {
  if ('setting' in managed || managed.option !== null) return `use ${managed.option} instead`;
  return `remove it: ${managed.why}`;
}

/** The server option `name` (any case) names, if tsvnc manages it. */
export function managedOption(name: string): ManagedOption | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(MANAGED_OPTIONS, key) ? MANAGED_OPTIONS[key] : undefined;
}

/**
 * Extra arguments go to Xtigervnc as they are, except the ones tsvnc sets:
 * the server takes the last value, so `-- -SecurityTypes None` would
 * silently undo the checks on security and readiness.
 */
/** The parameter a server argument sets, in any of Xvnc's forms: -name, --name, -name=value, name=value. */
export function serverOptionName(arg: string): string | undefined {
  return /^--?([A-Za-z]+)/.exec(arg)?.[1] ?? /^([A-Za-z]+)=/.exec(arg)?.[1];
}

export function checkExtraArgs(args: readonly string[]): void {
  if (args.length > MAX_SERVER_ARGS) throw new TsvncError('BAD_ARGUMENT', `${args.length} server options are too many`, `give at most ${MAX_SERVER_ARGS}`);
  for (const arg of args) {
    plainText('a server option', arg, MAX_COMMAND);
    const name = serverOptionName(arg);
    const managed = name === undefined ? undefined : managedOption(name);
    if (managed !== undefined) {
      throw new TsvncError('BAD_ARGUMENT', `the server option ${arg.split('=')[0]} is managed by tsvnc`, hint(managed));
    }
  }
}
