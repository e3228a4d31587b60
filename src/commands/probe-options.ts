import type { Argv } from 'yargs';
import type { ProbeOptions } from '../model/probe-result.js';
import { TsvncError } from '../errors.js';
import { quote } from '../output/printable.js';

/** The server settings that change what a probe must check: shared by probe and doctor. */
export function withProbeOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('localhost', { choices: ['yes', 'no'] as const, requiresArg: true, default: 'yes' as const, describe: 'the server listens on loopback only (tsvnc default) or on all addresses' })
    .option('listen-tcp', { type: 'boolean', default: false, describe: 'the server also accepts X11 clients on TCP 6000+N (-listen tcp)' })
    .option('rfbport', { type: 'string', requiresArg: true, describe: 'RFB port when not 5900+N' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON' });
}

/** `--rfbport` as typed: digits only, so "5901.5" or "0x170d" are refused rather than coerced. */
export function rfbPortOption(text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port < 1 || port > 65535) {
    throw new TsvncError('BAD_ARGUMENT', `--rfbport ${quote(text)} is not a TCP port`, 'give a number from 1 to 65535');
  }
  return port;
}

export function probeOptions(argv: { localhost: 'yes' | 'no'; listenTcp: boolean; rfbport?: string | undefined }): ProbeOptions {
  const options = { localhost: argv.localhost === 'yes', listenTcp: argv.listenTcp };
  return argv.rfbport === undefined ? options : { ...options, rfbPort: rfbPortOption(argv.rfbport) };
}
