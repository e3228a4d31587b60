import { builderOf, type ArgsOf, type CommandSpec } from './command-spec.js';
import { parseDisplay } from '../display/display-number.js';
import { callDaemon, userStatePaths } from '../daemon/control-client.js';
import { printJson, printLines } from '../output/print.js';

export const spec = {
  command: 'otp <display>',
  describe: 'Print a one-time password for a desktop started with --otp: it lets one viewer in once, with full control',
  display: { required: true, describe: 'display, as :N' },
  options: {
    json: { type: 'boolean', default: false, describe: 'print {display, password}' },
  },
} as const satisfies CommandSpec;

export const { command, describe } = spec;
export const builder = builderOf(spec);

type Args = ArgsOf<typeof spec>;

/** The password alone on its line, for a script: pw=$(tsvnc otp :1). */
export async function handler(argv: Args): Promise<void> {
  const result = await callDaemon(await userStatePaths(), { op: 'otp', display: parseDisplay(String(argv.display)) });
  if (argv.json) printJson(result);
  else printLines([result.password]);
}
