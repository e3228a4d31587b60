import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import yargs from 'yargs';
import * as start from '../../src/commands/start.js';
import { jobScript, sbatchArgs, startFlags, type JobSpec } from '../../src/slurm/job-script.js';
import type { StartRequest } from '../../src/daemon/protocol.js';

/** What the job's `tsvnc start` makes of the flags: parsed as the CLI parses them, then checked as a start checks them. */
async function parsedBack(flags: string[]): Promise<StartRequest> {
  let args: unknown = null;
  await yargs(['start', ...flags])
    .command({ command: start.command, describe: start.describe, builder: start.builder as never, handler: (parsed) => { args = parsed; } })
    .strict().parserConfiguration({ 'populate--': true }).exitProcess(false)
    .fail((message, error) => { throw error ?? new Error(message); })
    .parseAsync();
  return start.startRequest(args as never);
}

/** Every option a start request carries from a command line: a new one fails to compile here until the job passes it on. */
type Carried = Required<Omit<StartRequest, 'env' | 'umask' | 'session'>>;

const FULL: Carried = {
  display: 7, geometry: '1280x800', depth: 16, desktop: "Ann's work desk", localhost: false, securityTypes: 'VncAuth,X509Vnc', rfbPort: 6007,
  xstartup: 'exec xterm -e "sleep 1"', noXstartup: false, autokill: false, restart: 'on-failure', restartLimit: 3, restartWindow: 120,
  insecure: false, extraArgs: ['-AlwaysShared', '-dpi', '96'], passwordFile: '/home/ann/job.passwd', logFile: '/home/ann/desktop.log', idleTimeout: 600,
  web: true, webPort: 5990, otp: 'yes',
};

const SPEC: JobSpec = {
  tsvnc: ['/usr/bin/node', '/usr/lib/tsvnc/dist/src/cli.js'],
  home: '/home/ann',
  dir: "/home/ann/.vnc/slurm-desktops",
  start: { noXstartup: true, insecure: false, extraArgs: [], env: {}, geometry: '800x600' },
  partition: 'viz',
  time: '4:00:00',
  account: undefined,
  sbatchArgs: ['--mem=8G', '--output=/scratch/%j.log'],
};

describe("the batch job of start --slurm", () => {
  it("gives the job's tsvnc start every option of the command line, as it was given", async () => {
    const { env: _env, umask: _umask, ...back } = await parsedBack(startFlags({ ...FULL, env: {} }));
    assert.deepEqual(back, FULL);
    const none = await parsedBack(startFlags({ noXstartup: true, insecure: false, extraArgs: [], env: {} }));
    assert.deepEqual({ ...none, env: {}, umask: 0 }, { noXstartup: true, insecure: false, extraArgs: [], env: {}, umask: 0 });
    assert.deepEqual(startFlags({ noXstartup: false, insecure: false, extraArgs: [], env: { SECRET: 'x' }, umask: 0o22 }), [], 'the environment and umask travel with sbatch');
  });

  it("runs tsvnc in the foreground, in the job scope, writing to the job id's connection file, then outlives the rest of the desktop", () => {
    const script = jobScript(SPEC);
    assert.equal(script, [
      '#!/bin/sh',
      '# A tsvnc desktop as a Slurm job (tsvnc start --slurm): its server and session',
      '# program run inside this job and end with it.',
      'dir=/home/ann/.vnc/slurm-desktops',
      'trap : TERM INT HUP',
      '/usr/bin/node /usr/lib/tsvnc/dist/src/cli.js start --scope job --fg --connection-file "$dir/$SLURM_JOB_ID.json" --geometry 800x600 --no-xstartup',
      'status=$?',
      'i=0',
      'while [ $i -lt 300 ] && [ "$(pgrep -c -g $$)" -gt 1 ]; do sleep 0.1; i=$((i + 1)); done',
      'exit $status',
      '',
    ].join('\n'));
  });

  it("the script's shell waits for what is left of its process group, and only for that, and ends with tsvnc's status", async () => {
    const { execa } = await import('execa');
    const script = jobScript({ ...SPEC, tsvnc: ['sh', '-c', 'sleep 0.5 & exit 3', 'tsvnc'] });
    const started = Date.now();
    // setsid: a process group of its own, as slurmstepd gives a batch script.
    const ran = await execa('setsid', ['-w', 'sh', '-c', script], { reject: false, env: { SLURM_JOB_ID: '1' } });
    assert.equal(ran.exitCode, 3);
    assert.ok(Date.now() - started >= 450, 'it waited for the sleep the desktop left');
  });

  it('quotes what the shell would read otherwise', () => {
    const script = jobScript({ ...SPEC, dir: "/home/o'neil/x $HOME", start: { ...SPEC.start, desktop: 'a `b` $c' } });
    assert.match(script, /^dir='\/home\/o'\\''neil\/x \$HOME'$/m);
    assert.match(script, / --desktop 'a `b` \$c' /);
  });

  it("passes tsvnc's own sbatch options first, so that the configured and given ones override them", () => {
    assert.deepEqual(sbatchArgs(SPEC), [
      '--job-name=tsvnc-desktop', '--output=/home/ann/.vnc/slurm-desktops/%j.out', '--chdir=/home/ann', '--partition=viz', '--time=4:00:00', '--mem=8G', '--output=/scratch/%j.log',
    ]);
  });
});
