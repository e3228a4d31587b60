import { TsvncError } from '../errors.js';
import { parseDisplay } from '../display/display-number.js';

export const SESSIONS_FILE = '/etc/tsvnc/sessions';

export interface SessionEntry {
  display: number;
  user: string;
}

/** POSIX portable user names, as useradd accepts them by default. */
const USER_NAME = /^[a-z_][a-z0-9_-]*[$]?$/i;

/**
 * /etc/tsvnc/sessions, in the format of TigerVNC's vncserver.users:
 * `:N=user` a line, `#` comments. One user may have several displays;
 * a display has one user.
 */
export function parseSessionsFile(text: string, file = SESSIONS_FILE): SessionEntry[] {
  const entries: SessionEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const where = `${file}:${index + 1}`;
    const match = /^(:?\d+)\s*=\s*(\S+)$/.exec(line);
    if (!match?.[1] || !match[2]) throw new TsvncError('BAD_CONFIG', `${where}: cannot read "${line}"`, 'write one desktop a line as :N=user, e.g. :1=alice');
    if (!USER_NAME.test(match[2])) throw new TsvncError('BAD_CONFIG', `${where}: "${match[2]}" is not a user name`, 'write one desktop a line as :N=user, e.g. :1=alice');
    let display: number;
    try {
      display = parseDisplay(match[1]);
    } catch (error) {
      throw new TsvncError('BAD_CONFIG', `${where}: ${(error as Error).message}`, (error as TsvncError).hint);
    }
    const taken = entries.find((e) => e.display === display);
    if (taken) throw new TsvncError('BAD_CONFIG', `${where}: :${display} is already given to ${taken.user}`, 'give each display to one user');
    entries.push({ display, user: match[2] });
  });
  return entries;
}
