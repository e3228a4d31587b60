import { TsvncError } from '../errors.js';
import { quote } from '../output/printable.js';
import { mergeConfig, type Config } from './schema.js';
import { SETTINGS } from './settings.js';
import { checkExtraArgs } from '../model/option-validators.js';

/** TigerVNC's names for the settings tsvnc manages itself (lower case). */
const MAPPED: Record<string, string> = {
  geometry: 'geometry', depth: 'depth', desktop: 'desktop', securitytypes: 'security-types', localhost: 'localhost', session: 'session',
};

/** Options a config must not hand to the server: tsvnc sets them, and readiness and security depend on it. */
const REFUSED: Record<string, string> = {
  rfbport: 'tsvnc start --rfbport sets it per session',
  passwordfile: 'tsvnc always uses ~/.vnc/passwd', rfbauth: 'tsvnc always uses ~/.vnc/passwd',
  interface: 'use localhost=no to listen on every interface', auth: 'tsvnc gives each server its own cookie',
  displayfd: 'tsvnc needs it for readiness', inetd: 'tsvnc runs servers itself',
};

/**
 * TigerVNC's ~/.vnc/config, imported so migrating users keep their
 * settings: `key=value` or a bare `key` (true), `#` comments. The settings
 * tsvnc knows map onto its own; any other key is an Xtigervnc parameter and
 * goes to the server as `-key value`, as vncserver passes it.
 */
export function parseVncConfig(text: string, file: string): Partial<Config> {
  let result: Partial<Config> = {};
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file}:${index + 1}`;
    const match = /^([A-Za-z][\w]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!match?.[1]) throw new TsvncError('BAD_CONFIG', `${where}: cannot read ${quote(line)}`, 'write TigerVNC settings as key=value, or a bare key to turn an option on');
    const key = match[1].toLowerCase();
    const value = match[2]?.trim();
    const refused = Object.hasOwn(REFUSED, key) ? REFUSED[key] : undefined;
    if (refused) throw new TsvncError('BAD_CONFIG', `${where}: ${match[1]} is managed by tsvnc`, `remove this line: ${refused}`);
    const mapped = Object.hasOwn(MAPPED, key) ? MAPPED[key] : undefined;
    try {
      if (mapped === undefined) {
        // Two words, as vncserver passes them: X server options such as -dpi take no -name=value form.
        const serverArgs = value === undefined ? [`-${match[1]}`] : [`-${match[1]}`, value];
        checkExtraArgs(serverArgs);
        result = mergeConfig(result, { serverArgs });
        return;
      }
      result = mergeConfig(result, SETTINGS[mapped]!(value ?? (key === 'localhost' ? 'yes' : '')));
    } catch (error) {
      if (error instanceof TsvncError) throw new TsvncError('BAD_CONFIG', `${where}: ${error.message}`, error.hint);
      throw new TsvncError('BAD_CONFIG', `${where}: bad value for ${match[1]}`, (error as Error).message);
    }
  });
  return result;
}
