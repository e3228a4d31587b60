import type { PortRange } from '../risks/port-range.js';
import { DEFAULT_POLICY, RESTART_MODES, type RestartMode, type RestartPolicy } from '../supervise/restart-policy.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface Config {
  reservedDisplays: PortRange[];
  reservedPorts: PortRange[];
  sshdWindow: number;
  sshdConfig: string;
  logLevel: LogLevel;
  restart: RestartPolicy;
}

export const DEFAULT_CONFIG: Config = {
  reservedDisplays: [],
  reservedPorts: [],
  sshdWindow: 10,
  sshdConfig: '/etc/ssh/sshd_config',
  logLevel: 'warn',
  restart: DEFAULT_POLICY,
};

/** Later layers win key by key; the restart policy, set by three keys, merges field by field. */
export function mergeConfig<T extends Partial<Config>>(base: T, ...layers: Partial<Config>[]): T {
  let merged = { ...base };
  for (const layer of layers) {
    const restart = layer.restart || merged.restart ? { ...merged.restart, ...layer.restart } as RestartPolicy : undefined;
    merged = { ...merged, ...layer, ...(restart ? { restart } : {}) };
  }
  return merged;
}

/** Parses one value or throws a message that lists what is accepted. */
type ValueParser = (value: string) => Partial<Config>;

function rangeList(what: string, max: number, key: 'reservedDisplays' | 'reservedPorts'): ValueParser {
  return (value) => {
    const ranges: PortRange[] = [];
    for (const item of value.split(/[\s,]+/).filter(Boolean)) {
      const match = /^:?(\d+)(?:-:?(\d+))?$/.exec(item);
      const low = Number(match?.[1]);
      const high = match?.[2] === undefined ? low : Number(match[2]);
      if (!match || low > high || high > max) {
        throw new Error(`"${item}" is not a ${what} or range; accepted: numbers 0-${max} and ranges like 10-19, comma-separated`);
      }
      ranges.push([low, high]);
    }
    return { [key]: ranges };
  };
}

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

function count(value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new Error(`"${value}" is not accepted; accepted: a number from ${min} to ${max}`);
  return n;
}

/** Restart keys set one field each; the layers merge them over the default policy. */
function restartField<K extends keyof RestartPolicy>(key: K, parse: (value: string) => RestartPolicy[K]): ValueParser {
  return (value) => ({ restart: { [key]: parse(value) } as unknown as RestartPolicy });
}

export const SETTINGS: Record<string, ValueParser> = {
  restart: restartField('mode', (value) => {
    if (!RESTART_MODES.includes(value as RestartMode)) throw new Error(`"${value}" is not accepted; accepted: ${RESTART_MODES.join(', ')}`);
    return value as RestartMode;
  }),
  'restart-limit': restartField('limit', (value) => count(value, 1, 1000)),
  'restart-window': restartField('windowSeconds', (value) => count(value, 1, 86_400)),
  'reserved-displays': rangeList('display', 59535, 'reservedDisplays'),
  'reserved-ports': rangeList('port', 65535, 'reservedPorts'),
  'sshd-window': (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 1000) throw new Error(`"${value}" is not accepted; accepted: a number from 1 to 1000`);
    return { sshdWindow: n };
  },
  'sshd-config': (value) => {
    if (!value.startsWith('/')) throw new Error(`"${value}" is not accepted; accepted: an absolute path`);
    return { sshdConfig: value };
  },
  'log-level': (value) => {
    if (!LOG_LEVELS.includes(value as LogLevel)) throw new Error(`"${value}" is not accepted; accepted: ${LOG_LEVELS.join(', ')}`);
    return { logLevel: value as LogLevel };
  },
};
