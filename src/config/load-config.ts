import { homeOf } from '../state/state-dir.js';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { isCode } from '../tmp/safe-tmp.js';
import { TsvncError } from '../errors.js';
import { DEFAULT_CONFIG, mergeConfig, type Config } from './schema.js';
import { parseConfig } from './parse-config.js';
import { setConfiguredLogLevel } from '../log.js';

export const SYSTEM_CONFIG = '/etc/tsvnc/tsvnc.conf';

export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(homeOf(env), '.config');
  return join(base, 'tsvnc', 'tsvnc.conf');
}

async function readLayer(path: string): Promise<Partial<Config>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return {};
    throw new TsvncError('BAD_CONFIG', `cannot read ${path}: ${(error as Error).message}`, 'fix its permissions or remove it');
  }
  return parseConfig(text, path);
}

/** System file, then the user's: later layers win key by key. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const layers = await Promise.all([readLayer(SYSTEM_CONFIG), readLayer(userConfigPath(env))]);
  const config = mergeConfig(DEFAULT_CONFIG, ...layers);
  setConfiguredLogLevel(config.logLevel);
  return config;
}
