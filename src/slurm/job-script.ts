import type { StartRequest } from '../daemon/protocol.js';
import { shellWord } from '../output/shell-word.js';
import { connectionPath, outputPath } from './job-dir.js';

/** The job's name in squeue: how a user tells a desktop among their jobs. */
const JOB_NAME = 'tsvnc-desktop';

export interface JobSpec {
  /** How the job runs tsvnc: this very program (node and its script), by absolute path. */
  tsvnc: readonly string[];
  home: string;
  dir: string;
  /** `start`'s options from the command line; the job applies the configuration files itself. */
  start: StartRequest;
  partition?: string | undefined;
  time?: string | undefined;
  account?: string | undefined;
  sbatchArgs: readonly string[];
}

/**
 * `start`'s command line for what the caller gave: the job's tsvnc parses
 * it again, so the same checks and configuration layers apply on the node.
 * The environment and the umask travel with the job (sbatch exports both).
 */
export function startFlags(req: StartRequest): string[] {
  const flags: string[] = [];
  const add = (name: string, value: string | number | undefined) => {
    if (value !== undefined) flags.push(`--${name}`, String(value));
  };
  const yesNo = (value: boolean | undefined) => (value === undefined ? undefined : value ? 'yes' : 'no');
  if (req.display !== undefined) flags.push(`:${req.display}`);
  add('geometry', req.geometry);
  add('depth', req.depth);
  add('desktop', req.desktop);
  add('localhost', yesNo(req.localhost));
  add('security-types', req.securityTypes);
  add('rfbport', req.rfbPort);
  add('xstartup', req.xstartup);
  if (req.noXstartup) flags.push('--no-xstartup');
  add('autokill', yesNo(req.autokill));
  add('restart', req.restart);
  add('restart-limit', req.restartLimit);
  add('restart-window', req.restartWindow);
  add('password-file', req.passwordFile);
  add('log-file', req.logFile);
  add('idle-timeout', req.idleTimeout);
  if (req.insecure) flags.push('--insecure');
  if (req.web !== undefined) flags.push(req.web ? '--web' : '--no-web');
  add('web-port', req.webPort);
  if (req.otp !== undefined) flags.push(req.otp === 'only' ? '--otp-only' : req.otp === 'yes' ? '--otp' : '--no-otp');
  if (req.extraArgs.length > 0) flags.push('--', ...req.extraArgs);
  return flags;
}

/** sbatch's options: tsvnc's own first, so that the configured and given ones can override them. */
export function sbatchArgs(spec: JobSpec): string[] {
  return [
    `--job-name=${JOB_NAME}`,
    `--output=${outputPath(spec.dir, '%j')}`,
    `--chdir=${spec.home}`,
    ...(spec.partition ? [`--partition=${spec.partition}`] : []),
    ...(spec.time ? [`--time=${spec.time}`] : []),
    ...(spec.account ? [`--account=${spec.account}`] : []),
    ...spec.sbatchArgs,
  ];
}

/**
 * The batch script: tsvnc in the foreground, in the job's scope (its own
 * daemon, in the job's session and process group), so the job lasts as
 * long as the desktop, the desktop no longer than the job, and Slurm's
 * process tracking sees every process of it. Slurm kills what is left of a
 * job as soon as its script ends, so the script outlives the desktop's own
 * shutdown: a TERM (the job's end) only ends the wait, and the rest of the
 * process group gets up to 30 s to release the display.
 */
export function jobScript(spec: JobSpec): string {
  const command = [...spec.tsvnc.map(shellWord), 'start', '--scope', 'job', '--fg', '--connection-file', `"${connectionPath('$dir', '$SLURM_JOB_ID')}"`, ...startFlags(spec.start).map(shellWord)];
  return [
    '#!/bin/sh',
    '# A tsvnc desktop as a Slurm job (tsvnc start --slurm): its server and session',
    '# program run inside this job and end with it.',
    `dir=${shellWord(spec.dir)}`,
    'trap : TERM INT HUP',
    command.join(' '),
    'status=$?',
    'i=0',
    'while [ $i -lt 300 ] && [ "$(pgrep -c -g $$)" -gt 1 ]; do sleep 0.1; i=$((i + 1)); done',
    'exit $status',
    '',
  ].join('\n');
}
