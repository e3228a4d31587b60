import { builderOf, type ArgsOf, type CommandSpec } from './command-spec.js';
import { parseDisplay } from '../display/display-number.js';
import { loadConfig } from '../config/load-config.js';
import { createProbeContext } from '../probe/probe-context.js';
import { probeDisplay } from '../probe/probe-display.js';
import { probeText } from '../output/probe-text.js';
import { printJson, printLines } from '../output/print.js';
import { PROBE_OPTIONS, probeOptions } from './probe-options.js';

export const spec = {
  command: 'probe <display>',
  describe: 'Tell whether display :N is free and, if not, what holds it (exit 0 free, 1 taken, 2 bad input)',
  display: { required: true, describe: 'display, as :N' },
  options: PROBE_OPTIONS,
} as const satisfies CommandSpec;

export const { command, describe } = spec;
export const builder = builderOf(spec);

type Args = ArgsOf<typeof spec>;

export async function handler(argv: Args): Promise<void> {
  const display = parseDisplay(String(argv.display));
  const options = probeOptions(argv);
  const ctx = await createProbeContext(await loadConfig());
  const result = await probeDisplay(display, options, ctx);
  if (argv.json) printJson(result);
  else printLines(probeText(result));
  process.exitCode = result.free ? 0 : 1;
}
