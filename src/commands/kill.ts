import type { Argv, ArgumentsCamelCase } from 'yargs';
import { parseDisplay } from '../display/display-number.js';
import { callDaemon, userStatePaths } from '../daemon/control-client.js';
import { printJson, printLines } from '../output/print.js';

export const command = 'kill <display>';
export const describe = "Stop a session (':*' for all of yours): its programs, its server, its files (exit 1 if it is not yours)";

export function builder(yargs: Argv) {
  return yargs
    .positional('display', { type: 'string', demandOption: true, describe: "display, as :N, or ':*' for all" })
    .option('clean', { type: 'boolean', default: false, describe: 'also remove the session log' })
    .option('json', { type: 'boolean', default: false, describe: 'print {killed: [N...]}' });
}

type Args = ArgumentsCamelCase<Awaited<ReturnType<typeof builder>['argv']>>;

export async function handler(argv: Args): Promise<void> {
  const text = String(argv.display);
  const target = text === ':*' || text === '*' ? 'all' : parseDisplay(text);
  const result = await callDaemon(await userStatePaths(), { op: 'kill', target, clean: argv.clean });
  if (argv.json) printJson(result);
  else printLines(result.killed.length === 0 ? ['no sessions to kill'] : result.killed.map((n) => `killed :${n}`));
}
