import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import yargs from 'yargs';
import { quickParse, type CommandSpec } from '../../src/commands/command-spec.js';
import { LOG_LEVELS } from '../../src/log.js';
import * as list from '../../src/commands/list.js';
import * as status from '../../src/commands/status.js';
import * as kill from '../../src/commands/kill.js';
import * as logs from '../../src/commands/logs.js';
import * as probe from '../../src/commands/probe.js';
import * as start from '../../src/commands/start.js';
import * as daemon from '../../src/commands/daemon.js';

type Module = { spec: CommandSpec; builder: (y: never) => unknown };

/** What yargs makes of a command line, configured as src/cli.ts configures it: the arguments, or its error. */
async function viaYargs(module: Module, argv: string[]): Promise<{ args: Record<string, unknown> } | { error: string }> {
  let args: Record<string, unknown> | null = null;
  let error: string | null = null;
  await yargs(argv)
    .option('log-level', { choices: LOG_LEVELS, requiresArg: true })
    .command({ command: module.spec.command, describe: module.spec.describe, builder: module.builder as never, handler: (parsed) => { args = parsed; } })
    .demandCommand(1).strict().help().version('0').parserConfiguration({ 'populate--': true })
    .exitProcess(false)
    .fail((message, e) => { error = message ?? e?.message ?? 'failed'; })
    .parseAsync()
    .catch((e: Error) => { error = e.message; });
  return args && !error ? { args } : { error: error ?? 'no handler ran' };
}

const CASES: [Module, string[][]][] = [
  [daemon, [[], ['--foreground'], ['--foreground', '--ready-fd', '3'], ['--foreground', '--ready-fd', '3', '--job', 'slurm-7'], ['--system'],
    ['--foreground', '--listen-fd', '4', '--env-fd', '0'], ['--ready-fd'], ['--bogus'], ['--foreground=yes']]],
  [start, [[], [':1'], ['3', '--geometry', '800x600', '--depth', '16'], ['--no-xstartup'], ['--xstartup', 'xterm'], ['--xstartup', 'xterm', '--no-xstartup'],
    ['--no-xstartup', '--json', '--fg'], [':1', '--', '-AlwaysShared', '-FrameRate', '30'], ['--', ':2'], ['--localhost', 'no', '--insecure'], ['--localhost', 'maybe'],
    ['--geometry', '1x1', '--geometry', '2x2'], ['--slurm', '--sbatch-arg=--mem=8G', '--sbatch-arg=-N1'], ['--slurm', '--sbatch-arg', '--mem=8G'],
    ['--password-file', 'vnc.passwd', '--log-file=vnc.log', '--idle-timeout', '60', '--format', 'vncserver'], ['--format', 'tsvnc'], ['--count', '3'],
    ['--restart', 'sometimes'], ['--web'], ['--web', '--localhost', 'no'], ['--geometry'], ['--geometry='], [':1', ':2'], ['--no-json'], ['--connection-file', '/x.json'], ['--bogus']]],
  [list, [[], [':1'], ['--json'], ['--all', '--json'], [':1', '--json'], ['--log-level', 'debug'], ['--log-level=info', '--all'], ['--bogus'], [':1', ':2'],
    ['--json=yes'], ['--no-json'], ['--help'], ['--', ':1'], ['--log-level', 'loud'], ['-j'], ['--all', '--all']]],
  [status, [[':1'], [], [':1', '--json'], [':1', 'extra'], ['--json'], [':1', '--log-level', 'warn'], [':1', '--log-level']]],
  [kill, [[':1'], [':*', '--clean'], ['--clean'], [':1', '--clean', '--json'], ['-c', ':1'], [':1', '--clean=true']]],
  [logs, [[':1'], [':1', '-f'], [':1', '-n', '5'], [':1', '--lines', '5'], [':1', '-n'], [':1', '--lines=3', '-f'], [':1', '-n', ''], [':1', '-fn', '5'],
    [':1', '--follow', '--lines', '-3'], ['-f']]],
  [probe, [[':1'], [':1', '--localhost', 'no'], [':1', '--localhost', 'maybe'], [':1', '--listen-tcp', '--rfbport', '5999', '--json'], [':1', '--rfbport'],
    [':1', '--localhost'], [':1', '--localhost=yes']]],
];

describe('one declaration of each command serves yargs and the quick path alike', () => {
  for (const [module, lines] of CASES) {
    const name = module.spec.command.split(' ')[0] ?? '';
    it(`${name}: the quick path accepts only what yargs accepts, with the same values, and leaves every error to yargs`, async () => {
      let quick = 0;
      for (const rest of lines) {
        const argv = [name, ...rest];
        const fast = quickParse(module.spec, argv);
        const slow = await viaYargs(module, argv);
        if (fast === null) continue;
        quick++;
        assert.ok('args' in slow, `${argv.join(' ')}: the quick path accepted what yargs refuses (${'error' in slow ? slow.error : ''})`);
        // yargs makes numbers of what follows --; the handler takes them as the words they were.
        const words = (v: unknown) => (Array.isArray(v) ? v.map(String) : v);
        for (const [key, value] of Object.entries(fast)) assert.deepEqual(key === '--' ? words(slow.args[key]) : slow.args[key], value, `${argv.join(' ')}: ${key}`);
      }
      assert.ok(quick >= 2, `${name}: the quick path took ${quick} of the well-formed lines`);
    });
  }
});
