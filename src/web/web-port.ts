import { TsvncError } from '../errors.js';
import { rfbPort } from '../display/display-number.js';

/**
 * Display N's browser port is 5800+N, the port VNC servers once served their
 * Java viewer on. Every display's RFB port is 5900 or above and its X11 port
 * 6000 or above, so only ports below 5900 can collide with none of them:
 * 5800-5899 gives displays 0-99 (tsvnc's default display-range is 1-99) a
 * port each. A higher display has no default and needs a port chosen for it.
 */
const WEB_PORT_BASE = 5800;
export const MAX_WEB_DISPLAY = rfbPort(0) - WEB_PORT_BASE - 1;

export function webPortFor(display: number): number {
  if (!Number.isInteger(display) || display < 0 || display > MAX_WEB_DISPLAY) {
    throw new TsvncError(
      'BAD_ARGUMENT',
      `display :${display} has no default web port (only displays 0 to ${MAX_WEB_DISPLAY} do: 5800+N)`,
      `use a display from 0 to ${MAX_WEB_DISPLAY}, or name the web port yourself`,
    );
  }
  return WEB_PORT_BASE + display;
}
