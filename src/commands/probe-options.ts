import type { OptionSpec } from './command-spec.js';
import type { ProbeOptions } from '../model/probe-result.js';
import { parsePort } from '../model/option-validators.js';

/** The server settings that change what a probe must check: shared by probe and doctor. */
export const PROBE_OPTIONS = {
  localhost: { type: 'string', choices: ['yes', 'no'], default: 'yes', describe: 'the server listens on loopback only (tsvnc default) or on all addresses' },
  'listen-tcp': { type: 'boolean', default: false, describe: 'the server also accepts X11 clients on TCP 6000+N (-listen tcp)' },
  rfbport: { type: 'string', describe: 'RFB port when not 5900+N' },
  json: { type: 'boolean', default: false, describe: 'print JSON' },
} as const satisfies Record<string, OptionSpec>;

export function probeOptions(argv: { localhost: 'yes' | 'no'; listenTcp: boolean; rfbport?: string | undefined }): ProbeOptions {
  const options = { localhost: argv.localhost === 'yes', listenTcp: argv.listenTcp };
  return argv.rfbport === undefined ? options : { ...options, rfbPort: parsePort(argv.rfbport) };
}
