import { resolve } from 'node:path';
import { parseDisplay } from '../display/display-number.js';
import { TsvncError } from '../errors.js';
import { callDaemon, userStatePaths } from '../daemon/control-client.js';
import type { StartRequest } from '../daemon/protocol.js';
import { resolveOptions } from '../session/start-options.js';
import { applyConfig } from '../session/apply-config.js';
import { loadLayers } from '../config/load-config.js';
import { parsePort } from '../model/option-validators.js';
import { quote } from '../output/printable.js';
import { startText } from '../output/session-text.js';
import { printJson, printLines } from '../output/print.js';
import { slurmOptions } from '../slurm/slurm-args.js';
import { builderOf, type ArgsOf, type CommandSpec } from './command-spec.js';

const WITH_SLURM = 'with --slurm:';

export const spec = {
  command: 'start [display]',
  describe: 'Start a VNC desktop on :N, or on the lowest free display, and wait until it is ready',
  display: { required: false, describe: 'display, as :N or N (default: the lowest free one)' },
  passThrough: true,
  epilog: 'Arguments after -- go to Xtigervnc unchanged, e.g. tsvnc start -- -AlwaysShared. Options left out come from the configuration files (see tsvnc.conf(5)).',
  options: {
    geometry: { type: 'string', describe: 'screen size WIDTHxHEIGHT (default 1920x1080)' },
    depth: { type: 'string', describe: 'pixel depth: 16, 24 or 32 (default 24)' },
    desktop: { type: 'string', describe: 'desktop name shown by viewers (default "host:N (user)")' },
    localhost: { type: 'string', choices: ['yes', 'no'], describe: 'accept VNC connections from this machine only (default yes: tunnel with ssh)' },
    'security-types': { type: 'string', describe: 'comma-separated TigerVNC security types (default VncAuth with ~/.vnc/passwd; with --localhost no, X509Vnc with your certificate)' },
    insecure: { type: 'boolean', default: false, describe: 'allow the unauthenticated security types (None, TLSNone, X509None) on a non-localhost server' },
    rfbport: { type: 'string', describe: 'VNC port (default 5900+N)' },
    xstartup: { type: 'string', negatable: true, describe: 'session program, run by sh (default ~/.vnc/xstartup, else the system session); --no-xstartup for none' },
    autokill: { type: 'string', choices: ['yes', 'no'], describe: 'end the session when the session program exits (default yes)' },
    restart: { type: 'string', choices: ['on-failure', 'always', 'no'], describe: 'restart the server on the same display when it fails (default on-failure), after any exit, or never' },
    'restart-limit': { type: 'string', describe: 'this many failures within --restart-window is a crash loop: stop restarting (default 5)' },
    'restart-window': { type: 'string', describe: 'seconds over which --restart-limit counts failures (default 60)' },
    json: { type: 'boolean', default: false, describe: 'print {display, rfbPort, pid, log, ...} as JSON' },
    fg: { type: 'boolean', default: false, describe: 'stay until the session ends (exit 0, or 1 if it failed); SIGINT/SIGTERM kill it' },
    useold: { type: 'boolean', default: false, describe: 'if :N (or, without :N, your only session) is already running, report it instead of starting another' },
    count: { type: 'string', describe: 'start this many desktops at once, each on the lowest free display (one line each, or a JSON array)' },
    'dry-run': { type: 'boolean', default: false, describe: 'print the display, Xtigervnc command line, session program and log a start would use; change nothing' },
    'password-file': { type: 'string', describe: 'VNC password file (as vncpasswd -f writes it) instead of ~/.vnc/passwd' },
    'log-file': { type: 'string', describe: "the server's log goes to this file (appended, never rotated) instead of ~/.vnc/HOST:N.log" },
    'idle-timeout': { type: 'string', describe: 'end the desktop after this many seconds without a viewer' },
    web: { type: 'boolean', describe: 'serve it to browsers too: noVNC over HTTPS on port 5800+N, the URL with its secret token printed (default: web in tsvnc.conf, else no)' },
    'web-port': { type: 'string', describe: 'the web gateway\'s port instead of 5800+N (displays above 99 need one); implies --web' },
    otp: { type: 'boolean', describe: 'one-time passwords: tsvnc otp :N prints one valid for a single login, the regular password still works; one is printed now (default: otp in tsvnc.conf, else no)' },
    'otp-only': { type: 'boolean', default: false, describe: 'one-time passwords only: the VNC port refuses the regular password' },
    format: { type: 'string', choices: ['vncserver'], describe: "vncserver: print what vncserver prints (TigerVNC's, or TurboVNC's with vncserver-output = turbovnc)" },
    slurm: { type: 'boolean', default: false, describe: 'run the desktop as a Slurm batch job (sbatch), wait until it serves and say how to reach it' },
    partition: { type: 'string', describe: `${WITH_SLURM} the job's partition (default: slurm-partition, else Slurm's default)` },
    time: { type: 'string', describe: `${WITH_SLURM} the job's time limit, e.g. 4:00:00 (default: slurm-time, else the partition's)` },
    account: { type: 'string', describe: `${WITH_SLURM} the account the job is charged to (default: slurm-account)` },
    'sbatch-arg': { type: 'string', multiple: true, describe: `${WITH_SLURM} one more sbatch option, e.g. --sbatch-arg=--mem=8G (repeatable; after slurm-sbatch-args)` },
    'queue-wait': { type: 'string', describe: `${WITH_SLURM} seconds to wait for the job to serve (default: slurm-queue-wait, 300)` },
    'cancel-pending': { type: 'boolean', default: false, describe: `${WITH_SLURM} cancel the job if it is still queued after --queue-wait, instead of leaving it queued` },
    'connection-file': { type: 'string', hidden: true, describe: "the batch job of --slurm: write where the desktop serves to this file, for the job's submitter" },
  },
} as const satisfies CommandSpec;

export const { command, describe } = spec;
export const builder = builderOf(spec);

type Args = ArgsOf<typeof spec>;

/** Digits only: yargs would make "abc" NaN and "0x18" 24. */
function wholeNumber(option: string, text: string, hint: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new TsvncError('BAD_ARGUMENT', `${option} ${quote(text)} is not a number`, hint);
  return Number(text);
}

export async function startRequest(argv: Args): Promise<StartRequest> {
  const { xstartup } = argv;
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
  if (argv.web !== undefined) req.web = argv.web;
  if (argv.webPort !== undefined) {
    if (argv.web === false) throw new TsvncError('BAD_ARGUMENT', '--web-port with --no-web', 'leave out one of them');
    req.webPort = parsePort(argv.webPort, '--web-port');
    req.web = true;
  }
  if (argv.otpOnly) req.otp = 'only';
  else if (argv.otp !== undefined) req.otp = argv.otp ? 'yes' : 'no';
  // Bad input, and a bad configuration file, fail here before a daemon or a display is involved.
  const { request, config } = applyConfig(req, await loadLayers());
  resolveOptions(request, request.display ?? 0, '', null, config.restart);
  return req;
}

/** What only some starts need is loaded only by them: a plain start is the hot path. */
export async function handler(argv: Args): Promise<void> {
  const req = await startRequest(argv);
  if (argv.count !== undefined) return (await import('../client-start/start-many.js')).startMany(req, argv.count, argv);
  const slurm = slurmOptions(argv);
  if (slurm) {
    const [{ startOnSlurm }, { slurmStartText }] = await Promise.all([import('../slurm/submit.js'), import('../slurm/slurm-text.js')]);
    const result = await startOnSlurm(req, slurm);
    if (argv.json) printJson(result);
    else printLines(slurmStartText(result));
    return;
  }
  if (argv.dryRun) {
    const [{ planStart }, { planText }] = await Promise.all([import('../client-start/plan-start.js'), import('../output/plan-text.js')]);
    const plan = await planStart(req);
    if (argv.json) printJson(plan);
    else printLines(planText(plan));
    return;
  }
  const paths = await userStatePaths();
  // Loaded before anything is printed: a service manager may stop --fg the moment it sees the desktop announced.
  const foreground = argv.fg ? await import('../client-start/foreground.js') : null;
  const old = argv.useold ? await (await import('../client-start/use-old.js')).findOld(paths, applyConfig(req, await loadLayers()).request) : null;
  const result = old ?? (await callDaemon(paths, { op: 'start', start: req }));
  if (argv.connectionFile !== undefined) await (await import('../slurm/connection-file.js')).writeConnectionFile(argv.connectionFile, result);
  if (argv.json) printJson(result);
  else if (argv.format === 'vncserver') await (await import('../client-start/wrapper-output.js')).printWrapperStart(result);
  else printLines(startText(result));
  if (foreground) {
    const ending = await foreground.followSession(paths, result);
    if (!argv.json) printLines([foreground.endingText(result.display, ending)]);
  }
}
