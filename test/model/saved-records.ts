import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateRecord } from '../../src/model/validate-record.js';
import type { SessionRecord } from '../../src/model/session-record.js';

/**
 * Session files as the daemon wrote them in real runs (captured in the
 * sandbox: a slow server for the starting ones, a dying one for restarting
 * and the crash loop, autokill, a clean exit, one-time passwords with --web), one or two of each state.
 */
const DIR = fileURLToPath(new URL('../../../test/model/saved-records/', import.meta.url));

export const SAVED_FILES: readonly string[] = readdirSync(DIR).filter((name) => name.endsWith('.json')).sort();

/** The file's bytes, as the store wrote them. */
export function savedText(name: string): string {
  return readFileSync(`${DIR}${name}`, 'utf8');
}

/** The file read as the daemon reads it; a file it cannot read fails the test here. */
export function savedRecord(name: string): SessionRecord {
  const value: unknown = JSON.parse(savedText(name));
  const display = typeof value === 'object' && value !== null && 'display' in value ? Number(value.display) : NaN;
  const result = validateRecord(value, display);
  if ('problem' in result) throw new Error(`${name}: ${result.problem}`);
  return result.record;
}
