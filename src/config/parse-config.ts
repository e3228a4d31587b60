import { TsvncError } from '../errors.js';
import { quote } from '../output/printable.js';
import { mergeConfig, type Config } from './schema.js';
import { SETTINGS } from './settings.js';

/** `key = value` lines, `#` comments; later lines win within a file, as files do across layers. */
export function parseConfig(text: string, file: string): Partial<Config> {
  let result: Partial<Config> = {};
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const where = `${file}:${index + 1}`;
    const match = /^([A-Za-z][\w-]*)\s*=\s*(.*)$/.exec(line);
    if (!match?.[1]) {
      throw new TsvncError('BAD_CONFIG', `${where}: cannot read ${quote(line)}`, 'write settings as key = value');
    }
    const key = match[1].toLowerCase();
    const parse = Object.hasOwn(SETTINGS, key) ? SETTINGS[key] : undefined;
    if (!parse) {
      throw new TsvncError('BAD_CONFIG', `${where}: unknown setting ${quote(key)}`, `accepted settings: ${Object.keys(SETTINGS).join(', ')}`);
    }
    try {
      result = mergeConfig(result, parse((match[2] ?? '').trim()));
    } catch (error) {
      throw new TsvncError('BAD_CONFIG', `${where}: bad value for ${key}`, (error as Error).message);
    }
  });
  return result;
}
