import type { PortRange } from '../risks/port-range.js';
import { RESTART_MODES, type RestartMode, type RestartPolicy } from '../model/restart-policy.js';
import { MAX_COMMAND, checkExtraArgs, parseDepth, parseDesktop, parseGeometry, parseSecurityTypes, plainText } from '../model/option-validators.js';
import { quote } from '../output/printable.js';
import { MAX_DISPLAY, MAX_PORT } from '../display/display-number.js';
import { VNCSERVER_FLAVOURS, type Config } from './schema.js';
import { LOG_LEVELS, type Level } from '../log.js';
import { parseAccount, parsePartition, parseQueueWait, parseSbatchArgs, parseTimeLimit } from '../model/slurm-options.js';

/** Parses one value or throws a message that lists what is accepted. */
export type ValueParser = (value: string) => Partial<Config>;

function notAccepted(value: string, accepted: string): Error {
  return new Error(`${quote(value)} is not accepted; accepted: ${accepted}`);
}

function rangeList(what: string, max: number, key: 'reservedDisplays' | 'reservedPorts'): ValueParser {
  return (value) => {
    const ranges: PortRange[] = [];
    for (const item of value.split(/[\s,]+/).filter(Boolean)) {
      const match = /^:?(\d+)(?:-:?(\d+))?$/.exec(item);
      const low = Number(match?.[1]);
      const high = match?.[2] === undefined ? low : Number(match[2]);
      if (!match || low > high || high > max) {
        throw new Error(`${quote(item)} is not a ${what} or range; accepted: numbers 0-${max} and ranges like 10-19, comma-separated`);
      }
      ranges.push([low, high]);
    }
    return { [key]: ranges };
  };
}

function count(value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw notAccepted(value, `a number from ${min} to ${max}`);
  return n;
}

function yesNo(value: string): boolean {
  const v = value.toLowerCase();
  if (['yes', 'true', '1', 'on'].includes(v)) return true;
  if (['no', 'false', '0', 'off'].includes(v)) return false;
  throw notAccepted(value, 'yes or no');
}

/** Reuses the command line's own checks, turning their hint into the list of accepted values. */
function viaOption<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw notAccepted(value, (error as { hint?: string }).hint ?? (error as Error).message);
    }
  };
}

function absolute(value: string): string {
  if (!value.startsWith('/')) throw notAccepted(value, 'an absolute path');
  return value;
}

/** Sizes as bytes, or with a K, M or G suffix. */
function size(value: string): number {
  const match = /^(\d+)\s*([KMG]?)i?B?$/i.exec(value);
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[(match?.[2] ?? '').toUpperCase()];
  const bytes = Number(match?.[1]) * (unit ?? 0);
  if (!match || bytes < 4096) throw notAccepted(value, 'a size of at least 4K, like 512K, 10M or 1G');
  return bytes;
}

function restartField<K extends keyof RestartPolicy>(key: K, parse: (value: string) => RestartPolicy[K]): ValueParser {
  return (value) => ({ restart: { [key]: parse(value) } as unknown as RestartPolicy });
}


export const SETTINGS: Record<string, ValueParser> = {
  'display-range': (value) => {
    const match = /^:?(\d+)\s*-\s*:?(\d+)$/.exec(value);
    const [low, high] = [Number(match?.[1]), Number(match?.[2])];
    if (!match || low > high || high > MAX_DISPLAY) throw notAccepted(value, `a range of displays like 1-99, within 0-${MAX_DISPLAY}`);
    return { displayRange: [low, high] };
  },
  'reserved-displays': rangeList('display', MAX_DISPLAY, 'reservedDisplays'),
  'reserved-ports': rangeList('port', MAX_PORT, 'reservedPorts'),
  'sshd-window': (value) => ({ sshdWindow: count(value, 1, 1000) }),
  'sshd-config': (value) => ({ sshdConfig: absolute(value) }),
  restart: restartField('mode', (value) => {
    if (!RESTART_MODES.includes(value as RestartMode)) throw notAccepted(value, RESTART_MODES.join(', '));
    return value as RestartMode;
  }),
  'restart-limit': restartField('limit', (value) => count(value, 1, 1000)),
  'restart-window': restartField('windowSeconds', (value) => count(value, 1, 86_400)),
  geometry: (value) => ({ geometry: viaOption(parseGeometry)(value) }),
  depth: (value) => ({ depth: viaOption((v) => parseDepth(Number(v)))(value) }),
  desktop: (value) => ({ desktop: viaOption(parseDesktop)(value) }),
  'security-types': (value) => ({ securityTypes: viaOption(parseSecurityTypes)(value).join(',') }),
  localhost: (value) => ({ localhost: yesNo(value) }),
  autokill: (value) => ({ autokill: yesNo(value) }),
  web: (value) => ({ web: yesNo(value) }),
  otp: (value) => {
    if (value !== 'no' && value !== 'yes' && value !== 'only') throw notAccepted(value, 'yes, no or only');
    return { otp: value };
  },
  'web-cert': (value) => ({ webCert: absolute(value) }),
  'web-key': (value) => ({ webKey: absolute(value) }),
  xstartup: (value) => {
    if (value === '') throw notAccepted(value, 'a command run by sh, or none');
    viaOption((v) => plainText('xstartup', v, MAX_COMMAND))(value);
    // Whichever of xstartup and session a later layer sets wins over the other.
    return { xstartup: value === 'none' ? null : value, session: undefined };
  },
  session: (value) => {
    if (!/^[\w.+-]+$/.test(value)) throw notAccepted(value, 'the name of a desktop session in /usr/share/xsessions, like xfce');
    return { session: value, xstartup: undefined };
  },
  'server-args': (value) => {
    const args = value.split(/\s+/).filter(Boolean);
    viaOption(() => checkExtraArgs(args))(value);
    return { serverArgs: args };
  },
  'log-level': (value) => {
    if (!(LOG_LEVELS as readonly string[]).includes(value)) throw notAccepted(value, LOG_LEVELS.join(', '));
    return { logLevel: value as Level };
  },
  'log-max-size': (value) => ({ logMaxBytes: size(value) }),
  'log-keep': (value) => ({ logKeep: count(value, 0, 100) }),
  'vncserver-output': (value) => {
    const flavour = VNCSERVER_FLAVOURS.find((f) => f === value.toLowerCase());
    if (flavour === undefined) throw notAccepted(value, VNCSERVER_FLAVOURS.join(', '));
    return { vncserverOutput: flavour };
  },
  'slurm-partition': (value) => ({ slurmPartition: viaOption(parsePartition)(value) }),
  'slurm-time': (value) => ({ slurmTime: viaOption(parseTimeLimit)(value) }),
  'slurm-account': (value) => ({ slurmAccount: viaOption(parseAccount)(value) }),
  'slurm-sbatch-args': (value) => ({ slurmSbatchArgs: viaOption((v) => parseSbatchArgs(v.split(/\s+/).filter(Boolean)))(value) }),
  'slurm-queue-wait': (value) => ({ slurmQueueWait: viaOption(parseQueueWait)(value) }),
};
