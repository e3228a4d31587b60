import type { Argv, ArgumentsCamelCase } from 'yargs';
import { parseDisplay } from '../display/display-number.js';
import { callDaemon, userStatePaths } from '../daemon/control-client.js';
import { statusText } from '../output/session-text.js';
import { printJson, printLines } from '../output/print.js';

export const command = 'status <display>';
export const describe = 'Show one session in detail, with its last exit and log lines (exit 1 if it is not yours)';

export function builder(yargs: Argv) {
  return yargs
    .positional('display', { type: 'string', demandOption: true, describe: 'display, as :N' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON' });
}

type Args = ArgumentsCamelCase<Awaited<ReturnType<typeof builder>['argv']>>;

export async function handler(argv: Args): Promise<void> {
  const display = parseDisplay(String(argv.display));
  const result = await callDaemon(await userStatePaths(), { op: 'status', display });
  if (argv.json) printJson(result);
  else printLines(statusText(result));
}
