import { TsvncError } from '../errors.js';
import { quote } from '../output/printable.js';

/** The highest TCP port. */
export const MAX_PORT = 65535;
const RFB_BASE = 5900;
const X11_BASE = 6000;
/** Highest display whose X11 port (6000+n) is still a valid TCP port. */
export const MAX_DISPLAY = MAX_PORT - X11_BASE;

/** Accepts ":N" and, as a convenience, a bare "N". */
export function parseDisplay(input: string): number {
  const match = /^:?(\d+)$/.exec(input.trim());
  const digits = match?.[1];
  if (digits === undefined || digits.length > 6) {
    throw new TsvncError(
      'BAD_DISPLAY',
      `${quote(input)} is not a display`,
      `write it as :N with N a number from 0 to ${MAX_DISPLAY}, for example :1`,
    );
  }
  const n = Number(digits);
  if (n > MAX_DISPLAY) {
    throw new TsvncError(
      'BAD_DISPLAY',
      `display :${n} is out of range`,
      `its X11 port ${X11_BASE + n} would exceed ${MAX_PORT}; use a display from 0 to ${MAX_DISPLAY}`,
    );
  }
  return n;
}

export function rfbPort(display: number): number {
  return RFB_BASE + display;
}

export function x11Port(display: number): number {
  return X11_BASE + display;
}

/**
 * Display N's browser port is 5800+N, the port VNC servers once served their
 * Java viewer on. Every display's RFB port is 5900 or above and its X11 port
 * 6000 or above, so only ports below 5900 can collide with none of them:
 * 5800-5899 gives displays 0-99 (tsvnc's default display-range is 1-99) a
 * port each. A higher display has no default and needs a port chosen for it.
 */
const WEB_BASE = 5800;
export const MAX_WEB_DISPLAY = RFB_BASE - WEB_BASE - 1;

export function webPort(display: number): number {
  if (!Number.isInteger(display) || display < 0 || display > MAX_WEB_DISPLAY) {
    throw new TsvncError(
      'BAD_ARGUMENT',
      `display :${display} has no default web port (only displays 0 to ${MAX_WEB_DISPLAY} do: 5800+N)`,
      `use a display from 0 to ${MAX_WEB_DISPLAY}, or give its web port: tsvnc start --web-port, tsvnc web --port`,
    );
  }
  return WEB_BASE + display;
}

export function lockPath(display: number): string {
  return `/tmp/.X${display}-lock`;
}

export function tempLockPath(display: number): string {
  return `/tmp/.tX${display}-lock`;
}

export const X11_UNIX_DIR = '/tmp/.X11-unix';

export function unixSocketPath(display: number): string {
  return `${X11_UNIX_DIR}/X${display}`;
}
