import { readFileSync } from 'node:fs';
import { TsvncError } from '../errors.js';
import { quote } from '../output/printable.js';
import { parseStat } from '../proc/process-identity.js';

/** The batch systems' job variables: Slurm, PBS/Torque, LSF. */
const JOB_VARIABLES: readonly [variable: string, prefix: string][] = [['SLURM_JOB_ID', 'slurm'], ['PBS_JOBID', 'pbs'], ['LSB_JOBID', 'lsf']];

export const SCOPE_VARIABLE = 'TSVNC_SCOPE';
export const SCOPES = ['job', 'user'] as const;

/** A job id becomes a directory name: anything but these characters could climb out of it. */
function safeKey(prefix: string, id: string): string {
  const clean = id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
  return `${prefix}-${clean === '' || /^\.+$/.test(clean) ? '_' : clean}`;
}

function callerSession(): number {
  const stat = parseStat(readFileSync('/proc/self/stat', 'utf8'));
  if (stat === null) throw new TsvncError('INTERNAL', 'cannot read the session id of this process from /proc/self/stat');
  return stat.session;
}

/**
 * Which job a command belongs to, if any: its desktops then live in that
 * job alone (the job's own daemon and state, in the caller's session and
 * process group, so the scheduler's tracking sees and ends them). Inside a
 * batch job that is automatic; TSVNC_SCOPE=job (or --scope job) asks for it
 * anywhere, keyed by the caller's session when there is no job; =user
 * keeps the user's own daemon even inside a job. Null: the user's scope.
 */
export function jobScope(env: NodeJS.ProcessEnv, session: () => number = callerSession): string | null {
  const asked = env[SCOPE_VARIABLE];
  if (asked !== undefined && asked !== '' && !(SCOPES as readonly string[]).includes(asked)) {
    throw new TsvncError('BAD_ARGUMENT', `${SCOPE_VARIABLE}=${quote(asked)} is not a scope`, `use ${SCOPES.join(' or ')}, or unset it`);
  }
  if (asked === 'user') return null;
  for (const [variable, prefix] of JOB_VARIABLES) {
    const id = env[variable];
    if (id !== undefined && id !== '') return safeKey(prefix, id);
  }
  return asked === 'job' ? `session-${session()}` : null;
}
