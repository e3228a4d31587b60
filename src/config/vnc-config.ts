import { TsvncError } from '../errors.js';
import { quote } from '../output/printable.js';
import { mergeConfig, type Config } from './schema.js';
import { SETTINGS } from './settings.js';
import { checkExtraArgs, managedOption } from '../model/option-validators.js';

/** vncserver's own setting for the desktop session, not a server option. */
const SESSION = 'session';

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
    const managed = managedOption(key);
    if (managed && 'why' in managed) throw new TsvncError('BAD_CONFIG', `${where}: ${match[1]} is managed by tsvnc`, `remove this line: ${managed.why}`);
    const mapped = key === SESSION ? SESSION : managed?.setting;
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
