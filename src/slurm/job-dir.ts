import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { homeOf } from '../state/state-dir.js';

/*
 * Where the desktops of start --slurm keep their files, and how they are
 * named: `<job>.job` (tsvnc submitted it), `<job>.out` (the job's output),
 * `<job>.json` (where its desktop serves). Light, for the quick path of
 * list and kill (entry.ts).
 */
export function jobDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(homeOf(env), '.vnc', 'slurm-desktops');
}

export const markerPath = (dir: string, jobId: string): string => join(dir, `${jobId}.job`);
export const connectionPath = (dir: string, jobId: string): string => join(dir, `${jobId}.json`);
export const outputPath = (dir: string, jobId: string): string => join(dir, `${jobId}.out`);

/** The jobs tsvnc submitted and has not yet seen end, oldest first. */
export async function submittedJobs(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => []);
  return names.flatMap((n) => /^(\d+)\.job$/.exec(n)?.[1] ?? []).sort((a, b) => Number(a) - Number(b));
}

/** NODE:N, the way start --slurm names a desktop; :N alone is a local display. */
export function hostDisplay(text: string): { host: string; display: number } | null {
  const match = /^([A-Za-z0-9][\w.-]*):(\d{1,5})$/.exec(text);
  return match?.[1] && match[2] ? { host: match[1], display: Number(match[2]) } : null;
}
