import { TsvncError } from '../errors.js';
import { firstUnprintable, quote } from '../output/printable.js';
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

export function parsePort(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new TsvncError('BAD_ARGUMENT', `--rfbport ${value} is not a TCP port`, 'give a number from 1 to 65535');
  return value;
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

/** Server options tsvnc sets itself, and the tsvnc option that sets each. */
const MANAGED: Record<string, string> = {
  displayfd: 'none: tsvnc needs it for readiness', auth: 'none: tsvnc gives each server its own cookie',
  desktop: '--desktop', geometry: '--geometry', depth: '--depth', rfbport: '--rfbport', localhost: '--localhost',
  securitytypes: '--security-types', passwordfile: 'none: tsvnc uses ~/.vnc/passwd', rfbauth: 'none: tsvnc uses ~/.vnc/passwd',
  interface: '--localhost', inetd: 'none: tsvnc runs each server itself',
};

/**
 * Extra arguments go to Xtigervnc as they are, except the ones tsvnc sets:
 * the server takes the last value, so `-- -SecurityTypes None` would
 * silently undo the checks on security and readiness.
 */
export function checkExtraArgs(args: readonly string[]): void {
  if (args.length > MAX_SERVER_ARGS) throw new TsvncError('BAD_ARGUMENT', `${args.length} server options are too many`, `give at most ${MAX_SERVER_ARGS}`);
  for (const arg of args) {
    plainText('a server option', arg, MAX_COMMAND);
    const name = /^--?([A-Za-z]+)/.exec(arg)?.[1]?.toLowerCase();
    const instead = name !== undefined && Object.hasOwn(MANAGED, name) ? MANAGED[name] : undefined;
    if (instead !== undefined) {
      throw new TsvncError('BAD_ARGUMENT', `the server option ${arg.split('=')[0]} is managed by tsvnc`, instead.startsWith('none: ') ? `remove it: ${instead.slice(6)}` : `use ${instead} instead`);
    }
  }
}
