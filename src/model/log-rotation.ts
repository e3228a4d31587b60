/** How a session's log is kept: rotated when a start finds it larger than maxBytes, keep old copies (name.log.1 newest). */
export interface LogRotation {
  maxBytes: number;
  keep: number;
}

export const DEFAULT_LOG_ROTATION: LogRotation = { maxBytes: 10 * 1024 * 1024, keep: 3 };
