import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { isUnknownJobError, parseSbatchId, parseSqueue, sbatchRefusal, SQUEUE_FORMAT, type SlurmJob } from './squeue.js';

/**
 * Slurm's own commands, run as the user from their PATH, as they would type
 * them: the cluster's configuration and the user's identity are Slurm's
 * business. Each is bounded, since a controller that is down makes them
 * retry for a long time.
 */
export interface SlurmCommands {
  /** Submits `script` (given on stdin) and returns the job id; a refusal is thrown as sbatch gave it. */
  sbatch(args: readonly string[], script: string): Promise<string>;
  /** The jobs of these ids the controller still remembers. */
  squeue(jobIds: readonly string[]): Promise<SlurmJob[]>;
  scancel(jobId: string): Promise<void>;
}

const BOUND_MS = { sbatch: 60_000, squeue: 20_000, scancel: 20_000 };

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(program: keyof typeof BOUND_MS, args: readonly string[], input?: string): Promise<Ran> {
  const { execa } = await import('execa');
  logger.debug(`running ${program} ${args.join(' ')}`);
  const result = await execa(program, args, { reject: false, timeout: BOUND_MS[program], stdin: input === undefined ? 'ignore' : 'pipe', ...(input === undefined ? {} : { input }) });
  if (result.failed && result.exitCode === undefined) {
    if (/ENOENT/.test(String(result.code ?? result.message))) {
      throw new TsvncError('TOOL_NOT_FOUND', `Slurm's ${program} is not installed here (not on PATH)`, 'run this on a login node of a Slurm cluster, or install slurm-client');
    }
    if (result.timedOut) {
      throw new TsvncError('DAEMON_UNAVAILABLE', `${program} did not answer within ${BOUND_MS[program] / 1000} s`, 'is the Slurm controller up? sinfo tells');
    }
    throw new TsvncError('INTERNAL', `${program} could not run: ${String(result.message).split('\n')[0]}`);
  }
  return { code: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

export const slurmCommands: SlurmCommands = {
  async sbatch(args, script) {
    const ran = await run('sbatch', ['--parsable', ...args], script);
    const jobId = ran.code === 0 ? parseSbatchId(ran.stdout) : null;
    if (jobId === null) throw new TsvncError('SLURM_REJECTED', `sbatch refused the desktop's job: ${sbatchRefusal(ran.stderr || ran.stdout)}`, 'check the Slurm options (sinfo lists the partitions)');
    return jobId;
  },
  async squeue(jobIds) {
    if (jobIds.length === 0) return [];
    const ran = await run('squeue', ['-h', '-t', 'all', '-o', SQUEUE_FORMAT, '-j', jobIds.join(',')]);
    if (ran.code !== 0 && isUnknownJobError(ran.stderr)) return [];
    if (ran.code !== 0) throw new TsvncError('DAEMON_UNAVAILABLE', `squeue failed: ${ran.stderr.trim().split('\n').at(-1) ?? `exit ${ran.code}`}`, 'is the Slurm controller up? sinfo tells');
    return parseSqueue(ran.stdout);
  },
  async scancel(jobId) {
    const ran = await run('scancel', [jobId]);
    if (ran.code !== 0) throw new TsvncError('NOT_A_SESSION', `scancel ${jobId} failed: ${ran.stderr.trim().split('\n').at(-1) ?? `exit ${ran.code}`}`, 'tsvnc list shows your Slurm desktops');
  },
};
