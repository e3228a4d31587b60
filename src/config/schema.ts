import type { PortRange } from '../risks/port-range.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface Config {
  reservedDisplays: PortRange[];
  reservedPorts: PortRange[];
  sshdWindow: number;
  sshdConfig: string;
  logLevel: LogLevel;
}

export const DEFAULT_CONFIG: Config = {
  reservedDisplays: [],
  reservedPorts: [],
  sshdWindow: 10,
  sshdConfig: '/etc/ssh/sshd_config',
  logLevel: 'warn',
};

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

export const SETTINGS: Record<string, ValueParser> = {
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
