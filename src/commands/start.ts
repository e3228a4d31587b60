import type { Argv, ArgumentsCamelCase } from 'yargs';
import { parseDisplay } from '../display/display-number.js';
import { TsvncError } from '../errors.js';
import { callDaemon, userStatePaths } from '../daemon/control-client.js';
import type { StartRequest } from '../daemon/protocol.js';
import { resolveOptions } from '../session/start-options.js';
import { applyConfig } from '../session/apply-config.js';
import { loadLayers } from '../config/load-config.js';
import { parsePort } from '../model/option-validators.js';
import { resolve } from 'node:path';
import { quote } from '../output/printable.js';
import { printWrapperStart } from '../client-start/wrapper-output.js';
import { startText } from '../output/session-text.js';
import { printJson, printLines } from '../output/print.js';
import { planText } from '../output/plan-text.js';
import { planStart } from '../client-start/plan-start.js';
import { findOld } from '../client-start/use-old.js';
import { endingText, followSession } from '../client-start/foreground.js';
import { startMany } from '../client-start/start-many.js';
import { startOnSlurm } from '../slurm/submit.js';
import { slurmOptions } from '../slurm/slurm-args.js';
import { slurmStartText } from '../slurm/slurm-text.js';
import { writeConnectionFile } from '../slurm/connection-file.js';

export const command = 'start [display]';
export const describe = 'Start a VNC desktop on :N, or on the lowest free display, and wait until it is ready';

export function builder(yargs: Argv) {
  return yargs
    .positional('display', { type: 'string', describe: 'display, as :N or N (default: the lowest free one)' })
    .option('geometry', { type: 'string', requiresArg: true, describe: 'screen size WIDTHxHEIGHT (default 1920x1080)' })
    .option('depth', { type: 'string', requiresArg: true, describe: 'pixel depth: 16, 24 or 32 (default 24)' })
    .option('desktop', { type: 'string', requiresArg: true, describe: 'desktop name shown by viewers (default "host:N (user)")' })
    .option('localhost', { choices: ['yes', 'no'] as const, requiresArg: true, describe: 'accept VNC connections from this machine only (default yes: tunnel with ssh)' })
    .option('security-types', { type: 'string', requiresArg: true, describe: 'comma-separated TigerVNC security types (default VncAuth, with ~/.vnc/passwd)' })
    .option('insecure', { type: 'boolean', default: false, describe: 'allow the unauthenticated security types (None, TLSNone, X509None) on a non-localhost server' })
    .option('rfbport', { type: 'string', requiresArg: true, describe: 'VNC port (default 5900+N)' })
    .option('xstartup', { type: 'string', requiresArg: true, describe: 'session program, run by sh (default ~/.vnc/xstartup, else the system session); --no-xstartup for none' })
    .option('autokill', { choices: ['yes', 'no'] as const, requiresArg: true, describe: 'end the session when the session program exits (default yes)' })
    .option('restart', { choices: ['on-failure', 'always', 'no'] as const, requiresArg: true, describe: 'restart the server on the same display when it fails (default on-failure), after any exit, or never' })
    .option('restart-limit', { type: 'string', requiresArg: true, describe: 'this many failures within --restart-window is a crash loop: stop restarting (default 5)' })
    .option('restart-window', { type: 'string', requiresArg: true, describe: 'seconds over which --restart-limit counts failures (default 60)' })
    .option('json', { type: 'boolean', default: false, describe: 'print {display, rfbPort, pid, log, ...} as JSON' })
    .option('fg', { type: 'boolean', default: false, describe: 'stay until the session ends (exit 0, or 1 if it failed); SIGINT/SIGTERM kill it' })
    .option('useold', { type: 'boolean', default: false, describe: 'if :N (or, without :N, your only session) is already running, report it instead of starting another' })
    .option('count', { type: 'string', requiresArg: true, describe: 'start this many desktops at once, each on the lowest free display (one line each, or a JSON array)' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the display, Xtigervnc command line, session program and log a start would use; change nothing' })
    .option('password-file', { type: 'string', requiresArg: true, describe: 'VNC password file (as vncpasswd -f writes it) instead of ~/.vnc/passwd' })
    .option('log-file', { type: 'string', requiresArg: true, describe: "the server's log goes to this file (appended, never rotated) instead of ~/.vnc/HOST:N.log" })
    .option('idle-timeout', { type: 'string', requiresArg: true, describe: 'end the desktop after this many seconds without a viewer' })
    .option('format', { choices: ['vncserver'] as const, requiresArg: true, describe: "vncserver: print what vncserver prints (TigerVNC's, or TurboVNC's with vncserver-output = turbovnc)" })
    .option('slurm', { type: 'boolean', default: false, describe: 'run the desktop as a Slurm batch job (sbatch), wait until it serves and say how to reach it' })
    .option('partition', { type: 'string', requiresArg: true, describe: "with --slurm: the job's partition (default: slurm-partition, else Slurm's default)" })
    .option('time', { type: 'string', requiresArg: true, describe: "with --slurm: the job's time limit, e.g. 4:00:00 (default: slurm-time, else the partition's)" })
    .option('account', { type: 'string', requiresArg: true, describe: 'with --slurm: the account the job is charged to (default: slurm-account)' })
    .option('sbatch-arg', { type: 'string', array: true, requiresArg: true, describe: 'with --slurm: one more sbatch option, e.g. --sbatch-arg=--mem=8G (repeatable; after slurm-sbatch-args)' })
    .option('queue-wait', { type: 'string', requiresArg: true, describe: 'with --slurm: seconds to wait for the job to serve (default: slurm-queue-wait, 300)' })
    .option('cancel-pending', { type: 'boolean', default: false, describe: 'with --slurm: cancel the job if it is still queued after --queue-wait, instead of leaving it queued' })
    .option('connection-file', { type: 'string', requiresArg: true, hidden: true, describe: "the batch job of --slurm: write where the desktop serves to this file, for the job's submitter" })
    .epilog('Arguments after -- go to Xtigervnc unchanged, e.g. tsvnc start -- -AlwaysShared. Options left out come from the configuration files (see tsvnc.conf(5)).');
}

type Args = ArgumentsCamelCase<Awaited<ReturnType<typeof builder>['argv']>> & { '--'?: (string | number)[] };

/** Digits only: yargs would make "abc" NaN and "0x18" 24. */
function wholeNumber(option: string, text: string, hint: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new TsvncError('BAD_ARGUMENT', `${option} ${quote(text)} is not a number`, hint);
  return Number(text);
}

export async function startRequest(argv: Args): Promise<StartRequest> {
  // yargs turns --no-xstartup into xstartup=false.
  const xstartup = argv.xstartup as string | boolean | undefined;
  const req: StartRequest = {
    noXstartup: xstartup === false,
    insecure: argv.insecure,
    extraArgs: (argv['--'] ?? []).map(String),
    env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    umask: process.umask(),
  };
  if (argv.localhost !== undefined) req.localhost = argv.localhost === 'yes';
  if (argv.autokill !== undefined) req.autokill = argv.autokill === 'yes';
  if (argv.display !== undefined) req.display = parseDisplay(String(argv.display));
  if (argv.geometry !== undefined) req.geometry = argv.geometry;
  if (argv.depth !== undefined) req.depth = wholeNumber('--depth', argv.depth, 'use 16, 24 or 32');
  if (argv.desktop !== undefined) req.desktop = argv.desktop;
  if (argv.securityTypes !== undefined) req.securityTypes = argv.securityTypes;
  if (argv.rfbport !== undefined) req.rfbPort = parsePort(argv.rfbport);
  if (typeof xstartup === 'string') req.xstartup = xstartup;
  if (argv.restart !== undefined) req.restart = argv.restart;
  if (argv.restartLimit !== undefined) req.restartLimit = wholeNumber('--restart-limit', argv.restartLimit, 'give a number of failures from 1 to 1000');
  if (argv.restartWindow !== undefined) req.restartWindow = wholeNumber('--restart-window', argv.restartWindow, 'give seconds from 1 to 86400');
  // The daemon runs elsewhere: paths are the caller's, from the caller's directory.
  if (argv.passwordFile !== undefined) req.passwordFile = resolve(argv.passwordFile);
  if (argv.logFile !== undefined) req.logFile = resolve(argv.logFile);
  if (argv.idleTimeout !== undefined) req.idleTimeout = wholeNumber('--idle-timeout', argv.idleTimeout, 'give seconds from 1 to 604800');
  // Bad input, and a bad configuration file, fail here before a daemon or a display is involved.
  const { request, config } = applyConfig(req, await loadLayers());
  resolveOptions(request, request.display ?? 0, '', null, config.restart);
  return req;
}

export async function handler(argv: Args): Promise<void> {
  const req = await startRequest(argv);
  if (argv.count !== undefined) return startMany(req, argv.count, argv);
  const slurm = slurmOptions(argv);
  if (slurm) {
    const result = await startOnSlurm(req, slurm);
    if (argv.json) printJson(result);
    else printLines(slurmStartText(result));
    return;
  }
  if (argv.dryRun) {
    const plan = await planStart(req);
    if (argv.json) printJson(plan);
    else printLines(planText(plan));
    return;
  }
  const paths = await userStatePaths();
  const old = argv.useold ? await findOld(paths, req.display) : null;
  const result = old ?? (await callDaemon(paths, { op: 'start', start: req }));
  if (argv.connectionFile !== undefined) await writeConnectionFile(argv.connectionFile, result);
  if (argv.json) printJson(result);
  else if (argv.format === 'vncserver') await printWrapperStart(result);
  else printLines(startText(result));
  if (argv.fg) {
    const ending = await followSession(paths, result);
    if (!argv.json) printLines([endingText(result.display, ending)]);
  }
}
