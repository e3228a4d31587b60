import type { ProbeContext } from './probe-context.js';
import { probeDisplay } from './probe-display.js';
import type { ProbeOptions, ProbeResult } from '../model/probe-result.js';

export function displayRange(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** Bounds the sockets and files open at once, so a low `ulimit -n` cannot turn EMFILE into a wrong answer. */
const CONCURRENCY = 25;

/** Many displays at once: each probe is a few binds and stats, and they share one read of /proc. */
export async function probeMany(displays: readonly number[], options: ProbeOptions, ctx: ProbeContext): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (let i = 0; i < displays.length; i += CONCURRENCY) {
    results.push(...(await Promise.all(displays.slice(i, i + CONCURRENCY).map((d) => probeDisplay(d, options, ctx)))));
  }
  return results;
}
