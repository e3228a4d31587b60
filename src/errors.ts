/**
 * The one error type tsvnc throws for anything a user can act on. `code` is
 * stable (tests and scripts match on it), `hint` says how to fix it. Only the
 * CLI entry turns these into text and exit codes.
 */
export type ErrorCode =
  | 'BAD_DISPLAY'
  | 'BAD_ARGUMENT'
  | 'BAD_CONFIG'
  | 'BAD_PASSWORD_FILE'
  | 'NO_PASSWORD'
  | 'INSECURE'
  | 'NO_SESSION_PROGRAM'
  | 'DISPLAY_BUSY'
  | 'NO_FREE_DISPLAY'
  | 'SERVER_FAILED'
  | 'SESSION_PROGRAM_FAILED'
  | 'NOT_A_SESSION'
  | 'NO_LOG'
  | 'SLURM_REJECTED'
  | 'JOB_FAILED'
  | 'JOB_PENDING'
  | 'XVNC_NOT_FOUND'
  | 'TOOL_NOT_FOUND'
  | 'UNSAFE_PATH'
  | 'DAEMON_UNAVAILABLE'
  | 'PROC_UNAVAILABLE'
  | 'STATE_WRITE_FAILED'
  | 'INTERNAL';

export class TsvncError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TsvncError';
    this.code = code;
    this.hint = hint;
  }
}

/**
 * Exit status for each code: 1 is "the display or session said no", 2 is
 * "you asked for something invalid or unsafe", 3 is "this machine lacks
 * something tsvnc needs", as in the probe's contract.
 */
const EXIT_STATUS: Record<ErrorCode, number> = {
  BAD_DISPLAY: 2,
  BAD_ARGUMENT: 2,
  BAD_CONFIG: 2,
  BAD_PASSWORD_FILE: 2,
  NO_PASSWORD: 2,
  INSECURE: 2,
  NO_SESSION_PROGRAM: 2,
  DISPLAY_BUSY: 1,
  NO_FREE_DISPLAY: 1,
  SERVER_FAILED: 1,
  SESSION_PROGRAM_FAILED: 1,
  NOT_A_SESSION: 1,
  NO_LOG: 1,
  SLURM_REJECTED: 2,
  JOB_FAILED: 1,
  JOB_PENDING: 1,
  XVNC_NOT_FOUND: 3,
  TOOL_NOT_FOUND: 3,
  UNSAFE_PATH: 3,
  DAEMON_UNAVAILABLE: 3,
  PROC_UNAVAILABLE: 3,
  STATE_WRITE_FAILED: 3,
  INTERNAL: 70,
};

export function exitStatusFor(error: unknown): number {
  return error instanceof TsvncError ? EXIT_STATUS[error.code] : EXIT_STATUS.INTERNAL;
}

/** A code this version knows: what a daemon's error line says is checked against it before it is believed. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(EXIT_STATUS, code);
}

/** One line: what was wrong, then how to fix it. */
export function userMessage(error: unknown): string {
  if (error instanceof TsvncError) {
    const text = error.hint ? `${error.message} (${error.hint})` : error.message;
    return `tsvnc: ${text.replace(/\s*\n\s*/g, ' ')}`;
  }
  const text = error instanceof Error ? error.message : String(error);
  return `tsvnc: internal error: ${text.split('\n')[0]} (please report this with the output of: tsvnc --log-level debug ...)`;
}
