import type { ProbeContext } from './probe-context.js';
import { probeDisplay } from './probe-display.js';
import type { ProbeOptions, ProbeResult } from './types.js';

export function displayRange(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** All displays at once: each probe is a few binds and stats, and they share one read of /proc. */
export function probeMany(displays: readonly number[], options: ProbeOptions, ctx: ProbeContext): Promise<ProbeResult[]> {
  return Promise.all(displays.map((display) => probeDisplay(display, options, ctx)));
}
