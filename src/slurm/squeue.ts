/**
 * What tsvnc reads from squeue and sbatch. squeue is asked for
 * `SQUEUE_FORMAT` with -h (no header) and -t all (ended jobs too, while the
 * controller still remembers them); a job it no longer remembers is absent.
 */
export const SQUEUE_FORMAT = '%i|%T|%r|%N|%L';

/** Where a job stands, as a desktop: ended covers every way a job stops (done, failed, cancelled, timed out, node failure). */
export type JobPhase = 'pending' | 'running' | 'ending' | 'ended';

export interface SlurmJob {
  jobId: string;
  /** Slurm's state name, e.g. PENDING, RUNNING, TIMEOUT. */
  state: string;
  phase: JobPhase;
  /** Why a pending job waits (Priority, Resources, ...); null when Slurm says None. */
  reason: string | null;
  node: string | null;
  /** squeue's time left (e.g. 59:12, 1-23:59:59, UNLIMITED); null when not given. */
  timeLeft: string | null;
}

const PENDING = new Set(['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD']);
const RUNNING = new Set(['RUNNING', 'CONFIGURING', 'RESIZING', 'SUSPENDED', 'STOPPED', 'SIGNALING', 'STAGE_OUT']);
/** Still has processes on its node: not ended until they are gone. */
const ENDING = new Set(['COMPLETING']);

export function phaseOf(state: string): JobPhase {
  if (PENDING.has(state)) return 'pending';
  if (RUNNING.has(state)) return 'running';
  if (ENDING.has(state)) return 'ending';
  return 'ended';
}

/** squeue's words for nothing; INVALID is the time left of a job past its limit. */
const NOTHING = new Set(['', 'None', '(null)', 'INVALID']);
const field = (text: string | undefined): string | null => (text === undefined || NOTHING.has(text) ? null : text);

/** squeue's lines in SQUEUE_FORMAT; lines of any other shape are skipped. */
export function parseSqueue(stdout: string): SlurmJob[] {
  const jobs: SlurmJob[] = [];
  for (const line of stdout.split('\n')) {
    const [jobId, state, reason, node, timeLeft, ...rest] = line.trim().split('|');
    if (rest.length > 0 || !jobId || !/^\d+$/.test(jobId) || !state || !/^[A-Z_]+$/.test(state)) continue;
    jobs.push({ jobId, state, phase: phaseOf(state), reason: field(reason), node: field(node), timeLeft: field(timeLeft) });
  }
  return jobs;
}

/** squeue -j with ids none of which the controller remembers fails with this; an id among known ones is simply absent. */
export function isUnknownJobError(stderr: string): boolean {
  return /Invalid job id specified/i.test(stderr);
}

/** `sbatch --parsable` prints the job id, then `;cluster` on a federation. */
export function parseSbatchId(stdout: string): string | null {
  const match = /^(\d+)(?:;\S+)?$/.exec(stdout.trim());
  return match?.[1] ?? null;
}

/**
 * sbatch's reason for refusing, from its `sbatch: error: ...` lines: the
 * specific one ("invalid partition specified: gpu") over the controller's
 * general verdict ("Batch job submission failed: Invalid partition name
 * specified"), which is the reason only when it is alone.
 */
export function sbatchRefusal(stderr: string): string {
  const errors = stderr.split('\n').map((l) => /^sbatch: error: (.+)$/.exec(l.trim())?.[1]).filter((l): l is string => !!l);
  const verdict = /^Batch job submission failed: /;
  const reason = errors.filter((l) => !verdict.test(l)).at(-1) ?? errors.at(-1)?.replace(verdict, '');
  return reason ?? (stderr.trim().split('\n').at(-1) || 'no reason given');
}
