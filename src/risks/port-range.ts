import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TsvncError } from '../errors.js';
import { quote } from '../output/printable.js';
import { MAX_PORT } from '../display/display-number.js';

/** Inclusive [first, last], the way the kernel writes port ranges. */
export type PortRange = [number, number];

export interface EphemeralConfig {
  range: PortRange;
  reserved: PortRange[];
}

function parsePort(text: string, source: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > MAX_PORT) {
    throw new Error(`${source}: ${quote(text)} is not a TCP port`);
  }
  return Number(text);
}

function checkedRange(first: number, last: number, source: string): PortRange {
  if (first > last) throw new Error(`${source}: range ${first}-${last} is backwards`);
  return [first, last];
}

/** Content of /proc/sys/net/ipv4/ip_local_port_range: two ports separated by whitespace. */
export function parseLocalPortRange(text: string): PortRange {
  const source = 'ip_local_port_range';
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(text);
  if (match === null) throw new Error(`${source}: expected two ports, got ${quote(text.trim())}`);
  const [, first = '', last = ''] = match;
  return checkedRange(parsePort(first, source), parsePort(last, source), source);
}

/** Content of ip_local_reserved_ports: comma-separated ports and first-last ranges, possibly empty. */
export function parseReservedPorts(text: string): PortRange[] {
  const source = 'ip_local_reserved_ports';
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return trimmed.split(',').map((item) => {
    const [first = '', last = first, ...extra] = item.trim().split('-');
    if (extra.length > 0) throw new Error(`${source}: ${quote(item)} is not a port or range`);
    return checkedRange(parsePort(first, source), parsePort(last, source), source);
  });
}

/** Whether the kernel may pick `port` as the local port of an outgoing connection. */
export function isEphemeral(port: number, range: PortRange, reserved: readonly PortRange[]): boolean {
  const inside = (r: PortRange): boolean => port >= r[0] && port <= r[1];
  return inside(range) && !reserved.some(inside);
}

export function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: PortRange[] = [];
  for (const [first, last] of sorted) {
    const previous = merged.at(-1);
    // Adjacent ranges merge too: 5900-5999 and 6000-6099 are one reservation to the kernel.
    if (previous !== undefined && first <= previous[1] + 1) {
      previous[1] = Math.max(previous[1], last);
    } else {
      merged.push([first, last]);
    }
  }
  return merged;
}

/** The sysctl syntax, e.g. "5900-5999,6001". */
export function formatRanges(ranges: readonly PortRange[]): string {
  return ranges.map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`)).join(',');
}

/**
 * Writing ip_local_reserved_ports replaces the whole list, so the new value
 * must repeat what is already reserved or other services lose their ports.
 */
export function reservedPortsWith(existing: readonly PortRange[], add: readonly PortRange[]): string {
  return formatRanges(mergeRanges([...existing, ...add]));
}

export async function readEphemeralConfig(procSys = '/proc/sys/net/ipv4'): Promise<EphemeralConfig> {
  const rangePath = join(procSys, 'ip_local_port_range');
  let rangeText: string;
  try {
    rangeText = await readFile(rangePath, 'utf8');
  } catch (error) {
    throw new TsvncError(
      'PROC_UNAVAILABLE',
      `cannot read ${rangePath}`,
      'tsvnc needs /proc mounted to see which ports the kernel hands out',
      { cause: error },
    );
  }
  // Older kernels and some containers lack the reserved-ports file; then nothing is reserved.
  const reservedText = await readFile(join(procSys, 'ip_local_reserved_ports'), 'utf8').catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    },
  );
  return { range: parseLocalPortRange(rangeText), reserved: parseReservedPorts(reservedText) };
}
