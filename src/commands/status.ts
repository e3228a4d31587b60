import { builderOf, type ArgsOf, type CommandSpec } from './command-spec.js';
import { parseDisplay } from '../display/display-number.js';
import { callDaemon, userStatePaths } from '../daemon/control-client.js';
import { statusText } from '../output/session-text.js';
import { printJson, printLines } from '../output/print.js';

export const spec = {
  command: 'status <display>',
  describe: 'Show one session in detail, with its last exit and log lines (exit 1 if it is not yours)',
  display: { required: true, describe: 'display, as :N' },
  options: {
    json: { type: 'boolean', default: false, describe: 'print JSON' },
  },
} as const satisfies CommandSpec;

export const { command, describe } = spec;
export const builder = builderOf(spec);

type Args = ArgsOf<typeof spec>;

export async function handler(argv: Args): Promise<void> {
  const display = parseDisplay(String(argv.display));
  const result = await callDaemon(await userStatePaths(), { op: 'status', display });
  if (argv.json) printJson(result);
  else printLines(statusText(result));
}
