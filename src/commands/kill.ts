import { TsvncError } from '../errors.js';
import { builderOf, type ArgsOf, type CommandSpec } from './command-spec.js';
import { parseDisplay } from '../display/display-number.js';
import { callDaemon, userStatePaths } from '../daemon/control-client.js';
import { printJson, printLines } from '../output/print.js';
import { killSlurmDesktop } from '../slurm/entry.js';

export const spec = {
  command: 'kill [display]',
  describe: "Stop a session (':*' for all of yours): its programs, its server, its files (exit 1 if it is not yours)",
  display: { required: false, describe: "display, as :N, or ':*' for all; NODE:N for a desktop of start --slurm" },
  options: {
    job: { type: 'string', describe: 'cancel the Slurm job of a desktop of start --slurm, by its job id' },
    clean: { type: 'boolean', default: false, describe: 'also remove the session log' },
    json: { type: 'boolean', default: false, describe: 'print {killed: [N...]}' },
    format: { type: 'string', choices: ['vncserver'], describe: "vncserver: print what vncserver -kill prints (TigerVNC's, or TurboVNC's with vncserver-output = turbovnc)" },
  },
} as const satisfies CommandSpec;

export const { command, describe } = spec;
export const builder = builderOf(spec);

type Args = ArgsOf<typeof spec>;

export async function handler(argv: Args): Promise<void> {
  const slurm = await killSlurmDesktop(argv.display, argv.job);
  if (slurm) {
    if (argv.json) printJson(slurm);
    else printLines([`killed Slurm job ${slurm.slurm.jobId}${slurm.killed.length > 0 ? ` (${slurm.slurm.node ?? ''}:${slurm.killed.join(',')})` : ''}`]);
    return;
  }
  if (argv.display === undefined) throw new TsvncError('BAD_ARGUMENT', 'tsvnc kill needs a display', "write it as :N, e.g. tsvnc kill :1, ':*' for all, or NODE:N or --job ID for a desktop of start --slurm; tsvnc list shows yours");
  const text = String(argv.display);
  const target = text === ':*' || text === '*' ? 'all' : parseDisplay(text);
  const paths = await userStatePaths();
  // vncserver names the server it stopped, and whether it was still alive: known only before.
  const before = argv.format === 'vncserver' ? await callDaemon(paths, { op: 'list' }) : [];
  const result = await callDaemon(paths, { op: 'kill', target, clean: argv.clean });
  if (argv.json) printJson(result);
  else if (argv.format === 'vncserver') {
    const stopped = result.killed.map((display) => ({ display, pid: before.find((s) => s.display === display && s.state === 'running')?.pid ?? null }));
    await (await import('../client-start/wrapper-output.js')).printWrapperKill(stopped);
  } else printLines(result.killed.length === 0 ? ['no sessions to kill'] : result.killed.map((n) => `killed :${n}`));
}
