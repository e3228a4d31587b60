import type { Argv, ArgumentsCamelCase } from 'yargs';
import { hostname } from 'node:os';
import { parseDisplay } from '../display/display-number.js';
import { TsvncError } from '../errors.js';
import { parsePort } from '../model/option-validators.js';
import { callDaemon, userStatePaths } from '../daemon/control-client.js';
import { webText } from '../output/session-text.js';
import { printJson, printLines } from '../output/print.js';

export const command = 'web <display> [state]';
export const describe = "Serve a running desktop to browsers (on, the default), or stop (off); --new-token replaces its URL's secret";

export function builder(yargs: Argv) {
  return yargs
    .positional('display', { type: 'string', demandOption: true, describe: 'display, as :N' })
    .positional('state', { choices: ['on', 'off'] as const, describe: 'on: the URL to open (a gateway on port 5800+N); off: no browser access' })
    .option('port', { type: 'string', describe: 'the gateway\'s port instead of 5800+N (displays above 99 need one)' })
    .option('new-token', { type: 'boolean', default: false, describe: 'a new secret token: the old URL stops working' })
    .option('json', { type: 'boolean', default: false, describe: 'print {display, web: {url, port, fingerprint} or null}' });
}

type Args = ArgumentsCamelCase<Awaited<ReturnType<typeof builder>['argv']>>;

export async function handler(argv: Args): Promise<void> {
  const on = argv.state !== 'off';
  if (!on && (argv.newToken || argv.port !== undefined)) throw new TsvncError('BAD_ARGUMENT', `${argv.newToken ? '--new-token' : '--port'} needs browser access on`, 'leave out off, or that option');
  const port = argv.port === undefined ? {} : { port: parsePort(argv.port, '--port') };
  const result = await callDaemon(await userStatePaths(), { op: 'web', display: parseDisplay(String(argv.display)), on, newToken: argv.newToken, ...port });
  if (argv.json) printJson(result);
  else printLines(webText(result, hostname()));
}
