import { homeOf, isOwnDir } from '../state/state-dir.js';
import { join } from 'node:path';
import { open } from 'node:fs/promises';
import { isCode } from '../tmp/safe-tmp.js';
import { TsvncError } from '../errors.js';
import { DEFAULT_CONFIG, mergeConfig, type Config } from './schema.js';
import { parseConfig } from './parse-config.js';
import { parseVncConfig } from './vnc-config.js';
import { setConfiguredLogLevel } from '../log.js';

const SYSTEM_CONFIG = '/etc/tsvnc/tsvnc.conf';
export const MANDATORY_CONFIG = '/etc/tsvnc/mandatory.conf';

export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored; another user's (kept by su) is too.
  const base = isOwnDir(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(homeOf(env), '.config');
  return join(base, 'tsvnc', 'tsvnc.conf');
}

function vncConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(homeOf(env), '.vnc', 'config');
}

/** A configuration file is a few lines: anything this large is not one, and is not read whole. */
const MAX_CONFIG_BYTES = 64 * 1024;

/** The file's text, null when it does not exist; at most MAX_CONFIG_BYTES are read. */
async function readBounded(path: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return null;
    throw error;
  }
  try {
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) return buffer.toString('utf8', 0, length);
      length += bytesRead;
      if (length > MAX_CONFIG_BYTES) throw new TsvncError('BAD_CONFIG', `${path} is larger than ${MAX_CONFIG_BYTES / 1024} KiB, so it is not a tsvnc configuration file`, 'remove it, or keep only its key = value lines');
    }
  } finally {
    await handle.close();
  }
}

async function readLayer(path: string, parse: (text: string, file: string) => Partial<Config>): Promise<Partial<Config>> {
  let text: string | null;
  try {
    text = await readBounded(path);
  } catch (error) {
    if (error instanceof TsvncError) throw error;
    throw new TsvncError('BAD_CONFIG', `cannot read ${path}: ${(error as Error).message}`, 'fix its permissions or remove it');
  }
  return text === null ? {} : parse(text, path);
}

export interface ConfigLayers {
  /** Defaults, the system file, ~/.vnc/config and the user's file: what the command line overrides. */
  base: Config;
  /** The admin's file: it overrides the command line. */
  mandatory: Partial<Config>;
}

/** Every layer but the command line, which only a start has. */
export async function loadLayers(env: NodeJS.ProcessEnv = process.env): Promise<ConfigLayers> {
  const [system, vnc, user, mandatory] = await Promise.all([
    readLayer(SYSTEM_CONFIG, parseConfig),
    readLayer(vncConfigPath(env), parseVncConfig),
    readLayer(userConfigPath(env), parseConfig),
    readLayer(MANDATORY_CONFIG, parseConfig),
  ]);
  const layers = { base: mergeConfig(DEFAULT_CONFIG, system, vnc, user), mandatory };
  setConfiguredLogLevel(mergeConfig(layers.base, mandatory).logLevel);
  return layers;
}

/** The configuration where no command line is involved: every layer, later wins key by key. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const { base, mandatory } = await loadLayers(env);
  return mergeConfig(base, mandatory);
}
