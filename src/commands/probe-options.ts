import type { Argv } from 'yargs';
import type { ProbeOptions } from '../model/probe-result.js';
import { parsePort } from '../model/option-validators.js';

/** The server settings that change what a probe must check: shared by probe and doctor. */
export function withProbeOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('localhost', { choices: ['yes', 'no'] as const, requiresArg: true, default: 'yes' as const, describe: 'the server listens on loopback only (tsvnc default) or on all addresses' })
    .option('listen-tcp', { type: 'boolean', default: false, describe: 'the server also accepts X11 clients on TCP 6000+N (-listen tcp)' })
    .option('rfbport', { type: 'string', requiresArg: true, describe: 'RFB port when not 5900+N' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON' });
}

export function probeOptions(argv: { localhost: 'yes' | 'no'; listenTcp: boolean; rfbport?: string | undefined }): ProbeOptions {
  const options = { localhost: argv.localhost === 'yes', listenTcp: argv.listenTcp };
  return argv.rfbport === undefined ? options : { ...options, rfbPort: parsePort(argv.rfbport) };
}
