import type { Connection } from './connection-file.js';
import type { SlurmJob } from './squeue.js';

/** The I/O the wait needs, passed in so that it runs on a fake clock in the tests. */
export interface WaitDeps {
  /** The job as squeue sees it; null once the controller forgot it. */
  job(): Promise<SlurmJob | null>;
  /** The job's connection file, once its desktop serves. */
  connection(): Promise<Connection | null>;
  now(): number;
  sleep(ms: number): Promise<void>;
  progress(message: string): void;
  /** True once the user gave up (Ctrl-C). */
  interrupted(): boolean;
}

export interface WaitBounds {
  /** How long the job may stay queued. */
  queueMs: number;
  /** How long a running job may take until its desktop serves (a start's own bound is 120 s). */
  startMs: number;
}

export type WaitOutcome =
  | { kind: 'serving'; connection: Connection }
  | { kind: 'ended'; job: SlurmJob | null }
  | { kind: 'queued-too-long'; job: SlurmJob }
  | { kind: 'start-too-long'; job: SlurmJob }
  | { kind: 'interrupted'; job: SlurmJob | null };

/** The connection file is cheap to look at; squeue asks the controller, so it is asked less often the longer a job waits. */
const FILE_POLL_MS = 250;
const SQUEUE_POLL_MS = [500, 1000, 2000, 5000];

function describe(job: SlurmJob): string {
  if (job.phase === 'pending') return `Slurm job ${job.jobId} is queued${job.reason ? ` (${job.reason})` : ''}`;
  return `Slurm job ${job.jobId} runs on ${job.node ?? 'a node'}; waiting for its desktop`;
}

/**
 * Waits until the job's desktop serves, saying each change of where the
 * job stands (queued and why, started on which node), or until the job
 * ends, or a bound passes. Never cancels anything: the caller decides.
 */
export async function waitForDesktop(deps: WaitDeps, bounds: WaitBounds): Promise<WaitOutcome> {
  const started = deps.now();
  let job: SlurmJob | null = null;
  let said = '';
  let runningSince: number | null = null;
  let nextSqueue = started;
  let squeues = 0;
  for (;;) {
    const connection = await deps.connection();
    if (connection) return { kind: 'serving', connection };
    if (deps.interrupted()) return { kind: 'interrupted', job };
    const now = deps.now();
    if (now >= nextSqueue) {
      job = await deps.job();
      nextSqueue = now + (SQUEUE_POLL_MS[Math.min(squeues++, SQUEUE_POLL_MS.length - 1)] ?? 0);
      if (job === null || job.phase === 'ended' || job.phase === 'ending') return { kind: 'ended', job };
      const text = describe(job);
      if (text !== said) {
        deps.progress((said = text));
        // A change is when the next one tends to come soon: a started job's desktop, a failing one's end.
        squeues = 0;
      }
      if (job.phase === 'running') runningSince ??= now;
    }
    if (job?.phase === 'pending' && now - started >= bounds.queueMs) return { kind: 'queued-too-long', job };
    if (job && runningSince !== null && now - runningSince >= bounds.startMs) return { kind: 'start-too-long', job };
    await deps.sleep(FILE_POLL_MS);
  }
}
