import type { Argv, ArgumentsCamelCase } from 'yargs';
import { parseDisplay } from '../display/display-number.js';
import { loadConfig } from '../config/load-config.js';
import { createProbeContext } from '../probe/probe-context.js';
import { probeDisplay } from '../probe/probe-display.js';
import { probeText } from '../output/probe-text.js';
import { printJson, printLines } from '../output/print.js';
import { probeOptions, withProbeOptions } from './probe-options.js';

export const command = 'probe <display>';
export const describe = 'Tell whether display :N is free and, if not, what holds it (exit 0 free, 1 taken, 2 bad input)';

export function builder(yargs: Argv) {
  return withProbeOptions(yargs.positional('display', { type: 'string', demandOption: true, describe: 'display, as :N' }));
}

type Args = ArgumentsCamelCase<Awaited<ReturnType<typeof builder>['argv']>>;

export async function handler(argv: Args): Promise<void> {
  const display = parseDisplay(String(argv.display));
  const options = probeOptions(argv);
  const ctx = await createProbeContext(await loadConfig());
  const result = await probeDisplay(display, options, ctx);
  if (argv.json) printJson(result);
  else printLines(probeText(result));
  process.exitCode = result.free ? 0 : 1;
}
