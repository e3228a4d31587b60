import type { PortRange } from '../risks/port-range.js';
import type { Level } from '../log.js';
import { DEFAULT_POLICY, type RestartPolicy } from '../model/restart-policy.js';
import { DEFAULT_LOG_ROTATION } from '../model/log-rotation.js';

export const VNCSERVER_FLAVOURS = ['tigervnc', 'turbovnc'] as const;
export type VncserverFlavour = (typeof VNCSERVER_FLAVOURS)[number];

/**
 * Everything a configuration layer can set. The session defaults are
 * optional: unset, a start falls back to tsvnc's built-in default, so a layer
 * only says what it changes and `mandatory.conf` only what it enforces.
 */
export interface Config {
  reservedDisplays: PortRange[];
  reservedPorts: PortRange[];
  sshdWindow: number;
  sshdConfig: string;
  logLevel: Level;
  restart: RestartPolicy;
  displayRange: PortRange;
  /** Session logs: rotated when a start finds them larger than this. */
  logMaxBytes: number;
  /** Rotated session logs kept (name.log.1 is the newest). */
  logKeep: number;
  /** Whose wrapper's words the classic command line (vncserver -list, start, -kill) prints. */
  vncserverOutput: VncserverFlavour;
  geometry?: string;
  depth?: number;
  desktop?: string;
  securityTypes?: string;
  localhost?: boolean;
  /** A command for sh, or null for no session program. */
  xstartup?: string | null;
  /** A desktop session by name, from /usr/share/xsessions (TigerVNC's `session=`). */
  session?: string;
  autokill?: boolean;
  /** Serve each desktop to browsers (tsvnc start --web). */
  web?: boolean;
  /** The web gateway's certificate and key instead of the generated one. */
  webCert?: string;
  webKey?: string;
  /** One-time passwords for each desktop (tsvnc start --otp / --otp-only). */
  otp?: 'no' | 'yes' | 'only';
  /** Xtigervnc options every session gets, before the command line's own. */
  serverArgs?: string[];
  /** `start --slurm`'s defaults for sbatch's --partition, --time and --account. */
  slurmPartition?: string;
  slurmTime?: string;
  slurmAccount?: string;
  /** Further sbatch options every `start --slurm` passes, before the command line's own. */
  slurmSbatchArgs?: string[];
  /** Seconds `start --slurm` waits for its job to serve before it gives up. */
  slurmQueueWait: number;
}

export const DEFAULT_CONFIG: Config = {
  reservedDisplays: [],
  reservedPorts: [],
  sshdWindow: 10,
  sshdConfig: '/etc/ssh/sshd_config',
  logLevel: 'warn',
  restart: DEFAULT_POLICY,
  displayRange: [1, 99],
  logMaxBytes: DEFAULT_LOG_ROTATION.maxBytes,
  logKeep: DEFAULT_LOG_ROTATION.keep,
  vncserverOutput: 'tigervnc',
  slurmQueueWait: 300,
};

/**
 * Later layers win key by key; the restart policy, set by three keys, merges
 * field by field, and server arguments add up (vncserver passes every
 * layer's unknown options to the server).
 */
export function mergeConfig<T extends Partial<Config>>(base: T, ...layers: Partial<Config>[]): T {
  let merged = { ...base };
  for (const layer of layers) {
    const restart = layer.restart || merged.restart ? { ...merged.restart, ...layer.restart } as RestartPolicy : undefined;
    const serverArgs = layer.serverArgs && merged.serverArgs ? [...merged.serverArgs, ...layer.serverArgs] : layer.serverArgs ?? merged.serverArgs;
    merged = { ...merged, ...layer, ...(restart ? { restart } : {}), ...(serverArgs ? { serverArgs } : {}) };
  }
  return merged;
}
