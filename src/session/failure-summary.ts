import { lastLines } from './log-file.js';
import type { ExitInfo } from '../model/session-record.js';

/** X's own noise around a fatal error, which says nothing about its cause. */
const NOISE = /Fatal server error|^\(EE\)\s*$|Please consult|for help|wiki\.x\.org|^$/;

export function exitText(info: ExitInfo | null): string {
  if (info === null) return '';
  if (info.error !== undefined) return `could not run: ${info.error}`;
  if (info.signal !== null) return `killed by ${info.signal}`;
  return info.code === null ? 'status unknown: it was not started by this daemon' : `exit code ${info.code}`;
}

/** " (exit code 1): (EE) Cannot establish any listening sockets": the server's own words on why it died. */
export async function failureSummary(log: string, info: ExitInfo | null): Promise<string> {
  // Only the server's (EE) lines state causes; the rest of its log is chatter and statistics.
  // A log that cannot be read has no cause to give; the exit itself still does.
  const lines = (await lastLines(log, 40).catch(() => [])).map((l) => l.trim());
  // X glues the next line's "(EE)" onto the message.
  const cause = (lines.find((l) => l.startsWith('(EE)') && !NOISE.test(l)) ?? '').replace(/\(EE\)\s*$/, '').trim();
  const how = exitText(info);
  return `${how ? ` (${how})` : ''}${cause ? `: ${cause}` : ''}`;
}
