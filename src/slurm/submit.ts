import { rmdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { realpathSync } from 'node:fs';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { loadLayers, MANDATORY_CONFIG } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { homeOf } from '../state/state-dir.js';
import type { StartRequest, StartResult } from '../daemon/protocol.js';
import { parseAccount, parsePartition, parseQueueWait, parseSbatchArgs, parseTimeLimit } from '../model/slurm-options.js';
import type { SlurmStartOptions } from './slurm-args.js';
import { ensureJobDir, lastOutputLines, readConnection, writeMarker } from './connection-file.js';
import { jobDir } from './job-dir.js';
import { jobScript, sbatchArgs, type JobSpec } from './job-script.js';
import { slurmCommands, type SlurmCommands } from './slurm-commands.js';
import { cancelJob } from './cancel-job.js';
import { waitForDesktop, type WaitOutcome } from './wait-for-desktop.js';
import type { SlurmJob } from './squeue.js';

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
  const queueMs = spec.queueWait * 1000;
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
  // The command line over the user's files, the admin's mandatory file over both, as for a local start; sbatch options add up in that order.
  const pick = <K extends 'slurmPartition' | 'slurmTime' | 'slurmAccount' | 'slurmQueueWait'>(option: string, given: string | undefined, parse: (v: string) => Config[K], key: K): Config[K] => {
    const enforced = mandatory[key];
    if (enforced === undefined) return given === undefined ? base[key] : parse(given);
    if (given !== undefined) logger.warn(`--${option} ${given} ignored: ${MANDATORY_CONFIG} sets ${option === 'queue-wait' ? 'slurm-queue-wait' : `slurm-${option}`} = ${String(enforced)}`);
    return enforced;
  };
  const home = homeOf(process.env);
  return {
    tsvnc: [process.execPath, realpathSync(process.argv[1] ?? '')],
    home,
    dir: jobDir(process.env),
    start: req,
    partition: pick('partition', options.partition, parsePartition, 'slurmPartition'),
    time: pick('time', options.time, parseTimeLimit, 'slurmTime'),
    account: pick('account', options.account, parseAccount, 'slurmAccount'),
    sbatchArgs: [...(base.slurmSbatchArgs ?? []), ...parseSbatchArgs(options.sbatchArgs), ...(mandatory.slurmSbatchArgs ?? [])],
    queueWait: pick('queue-wait', options.queueWait, parseQueueWait, 'slurmQueueWait'),
  };
}
