import { rmdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { realpathSync } from 'node:fs';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { loadLayers } from '../config/load-config.js';
import { homeOf } from '../state/state-dir.js';
import type { StartRequest, StartResult } from '../daemon/protocol.js';
import { parseAccount, parsePartition, parseQueueWait, parseSbatchArgs, parseTimeLimit } from '../model/slurm-options.js';
import { ensureJobDir, jobDir, lastOutputLines, readConnection, writeMarker } from './connection-file.js';
import { jobScript, sbatchArgs, type JobSpec } from './job-script.js';
import { slurmCommands, type SlurmCommands } from './slurm-commands.js';
import { cancelJob } from './cancel-job.js';
import { waitForDesktop, type WaitOutcome } from './wait-for-desktop.js';
import type { SlurmJob } from './squeue.js';

/** `start --slurm`'s own options as the command line gave them: checked here, over the configured defaults. */
export interface SlurmStartOptions {
  partition?: string | undefined;
  time?: string | undefined;
  account?: string | undefined;
  sbatchArgs: readonly string[];
  queueWait?: string | undefined;
  cancelPending: boolean;
}

/** `start`'s arguments as far as they concern Slurm. */
interface SlurmArgs {
  slurm: boolean;
  partition?: string | undefined;
  time?: string | undefined;
  account?: string | undefined;
  sbatchArg?: string[] | undefined;
  queueWait?: string | undefined;
  cancelPending: boolean;
  dryRun: boolean;
}

/** The options of `start --slurm`, or null for a local start; one of them without --slurm is a mistake, not something to ignore. */
export function slurmOptions(args: SlurmArgs): SlurmStartOptions | null {
  const given = { partition: args.partition, time: args.time, account: args.account, 'sbatch-arg': args.sbatchArg, 'queue-wait': args.queueWait, 'cancel-pending': args.cancelPending || undefined };
  if (!args.slurm) {
    const stray = Object.entries(given).find(([, value]) => value !== undefined);
    if (stray) throw new TsvncError('BAD_ARGUMENT', `--${stray[0]} is an option of start --slurm`, 'add --slurm, or leave it out');
    return null;
  }
  if (args.dryRun) throw new TsvncError('BAD_ARGUMENT', '--dry-run does not apply to start --slurm', 'leave out one of them');
  return { partition: args.partition, time: args.time, account: args.account, sbatchArgs: args.sbatchArg ?? [], queueWait: args.queueWait, cancelPending: args.cancelPending };
}

export interface SlurmStartResult extends StartResult {
  slurm: { jobId: string; node: string };
  /** The ssh command that brings the desktop's port to the user's machine, through this login node. */
  tunnel: string;
}

/** A running job's desktop gets the start's own bound (120 s) and time for the job to get going on its node. */
const START_BOUND_MS = 180_000;

/**
 * Submits a batch job that runs the desktop (`start --fg` inside the job),
 * waits until it serves and says where to connect. Whatever goes wrong
 * before that cancels the job and removes its files, except a job still
 * queued at the bound, which stays queued unless asked otherwise.
 */
export async function startOnSlurm(req: StartRequest, options: SlurmStartOptions, commands: SlurmCommands = slurmCommands): Promise<SlurmStartResult> {
  const spec = await jobSpec(req, options);
  const queueMs = (options.queueWait === undefined ? spec.queueWait : parseQueueWait(options.queueWait)) * 1000;
  await ensureJobDir(spec.dir);
  let jobId: string;
  try {
    jobId = await commands.sbatch(sbatchArgs(spec), jobScript(spec));
  } catch (error) {
    // Only when empty: the desktops of other jobs live there too.
    await rmdir(spec.dir).catch(() => undefined);
    throw error;
  }
  try {
    await writeMarker(spec.dir, jobId);
  } catch (error) {
    // Unmarked, list and kill would never know of it.
    await commands.scancel(jobId).catch(() => undefined);
    throw error;
  }
  logger.warn(`submitted Slurm job ${jobId}`);
  let interrupted = false;
  const onSignal = () => (interrupted = true);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal);
  let outcome: WaitOutcome;
  try {
    outcome = await waitForDesktop({
      job: async () => (await commands.squeue([jobId]))[0] ?? null,
      connection: () => readConnection(spec.dir, jobId),
      now: () => Date.now(),
      sleep: (ms) => sleep(ms),
      progress: (message) => logger.warn(message),
      interrupted: () => interrupted,
    }, { queueMs, startMs: START_BOUND_MS });
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
  }
  if (outcome.kind === 'serving') {
    const { node, result } = outcome.connection;
    return { ...result, slurm: { jobId, node }, tunnel: tunnelCommand(result, node, hostname()) };
  }
  throw await failure(spec.dir, jobId, outcome, options.cancelPending, commands);
}

async function failure(dir: string, jobId: string, outcome: Exclude<WaitOutcome, { kind: 'serving' }>, cancelPending: boolean, commands: SlurmCommands): Promise<TsvncError> {
  const job = `Slurm job ${jobId}`;
  if (outcome.kind === 'queued-too-long' && !cancelPending) {
    return new TsvncError('JOB_PENDING', `${job} is still queued${reasonOf(outcome.job)}, so there is no desktop yet; it stays queued`, `tsvnc list shows it, and where it serves once it runs; tsvnc kill --job ${jobId} cancels it`);
  }
  // Read before cancelling, which removes the output with the other files.
  const output = await lastOutputLines(dir, jobId);
  const ended = await cancelJob(dir, jobId, { commands, now: () => Date.now(), sleep: (ms) => sleep(ms) });
  const said = output.length > 0 ? `: ${output.join(' / ')}` : '';
  switch (outcome.kind) {
    case 'queued-too-long':
      return new TsvncError('JOB_PENDING', `${job} was still queued${reasonOf(outcome.job)}: cancelled it`, 'ask for fewer resources, another --partition, or wait longer with --queue-wait');
    case 'start-too-long':
      return new TsvncError('JOB_FAILED', `${job} ran on ${outcome.job.node ?? 'its node'}, but its desktop did not serve within ${START_BOUND_MS / 1000} s: cancelled it${said}`, 'try tsvnc start on that node by hand to see why');
    case 'interrupted':
      return new TsvncError('JOB_FAILED', `interrupted: cancelled ${job}`);
    case 'ended':
      return new TsvncError('JOB_FAILED', `${job} ended${stateOf(outcome.job ?? ended)} before its desktop served${said}`, 'fix what its output says, then start again');
  }
}

/**
 * From the user's machine to the desktop, through the login node: a
 * desktop that accepts local connections only (the default) is reached by
 * ssh to its node through the login node (-J), where its port is
 * localhost; one that listens on the node's addresses is reached from the
 * login node itself.
 */
function tunnelCommand(r: Pick<StartResult, 'rfbPort' | 'localhost'>, node: string, login: string): string {
  return r.localhost ? `ssh -J ${login} -L ${r.rfbPort}:localhost:${r.rfbPort} ${node}` : `ssh -L ${r.rfbPort}:${node}:${r.rfbPort} ${login}`;
}

const reasonOf = (job: SlurmJob): string => (job.reason ? ` (${job.reason})` : '');
const stateOf = (job: SlurmJob | null): string => (job ? ` (${job.state})` : '');

async function jobSpec(req: StartRequest, options: SlurmStartOptions): Promise<JobSpec & { queueWait: number }> {
  const { base, mandatory } = await loadLayers();
  // The command line over the user's files, the admin's mandatory file over both; sbatch options add up in that order.
  const pick = (given: string | undefined, parse: (v: string) => string, key: 'slurmPartition' | 'slurmTime' | 'slurmAccount') => mandatory[key] ?? (given === undefined ? undefined : parse(given)) ?? base[key];
  const home = homeOf(process.env);
  return {
    tsvnc: [process.execPath, realpathSync(process.argv[1] ?? '')],
    home,
    dir: jobDir(process.env),
    start: req,
    partition: pick(options.partition, parsePartition, 'slurmPartition'),
    time: pick(options.time, parseTimeLimit, 'slurmTime'),
    account: pick(options.account, parseAccount, 'slurmAccount'),
    sbatchArgs: [...(base.slurmSbatchArgs ?? []), ...parseSbatchArgs(options.sbatchArgs), ...(mandatory.slurmSbatchArgs ?? [])],
    queueWait: mandatory.slurmQueueWait ?? base.slurmQueueWait,
  };
}
