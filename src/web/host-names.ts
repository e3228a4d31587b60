import { lookup, lookupService } from 'node:dns/promises';
import { hostname } from 'node:os';
import type { HostNames } from './self-signed.js';

const LOOKUP_MS = 2000;

/**
 * The names a browser may reach this host by: localhost, the host name and,
 * when the resolver knows it, its full name. A resolver that does not answer
 * in time costs only the full name.
 */
export async function hostNames(): Promise<HostNames> {
  const short = hostname();
  const dns = new Set(['localhost', short]);
  const full = await Promise.race([
    fullName(short),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), LOOKUP_MS).unref()),
  ]);
  if (full) dns.add(full);
  return { dns: [...dns].filter((name) => /^[A-Za-z0-9.-]+$/.test(name)), ips: ['127.0.0.1', '::1'] };
}

async function fullName(short: string): Promise<string | undefined> {
  try {
    const { address } = await lookup(short);
    const { hostname: name } = await lookupService(address, 0);
    return name.includes('.') ? name.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
