import { setTimeout as delay } from 'node:timers/promises';
import { bindTargets, tryBind, type BindResult, type BindTarget } from '../ports/bind-test.js';
import { entriesOnPort, holdersOf, overlaps } from '../ports/port-holders.js';
import type { ProbeContext } from './probe-context.js';
import type { PortNote, PortRole, ProbeOptions, Reason } from '../model/probe-result.js';

/** X11 over TCP (`-listen tcp`) binds the wildcards whatever -localhost says; vncserver's own check does too. */
const X11_TARGETS = bindTargets(false);
/** Another probe (a concurrent tsvnc) holds a port it tests for well under this. */
const RECHECK_MS = 30;

async function bindAll(targets: readonly BindTarget[], port: number): Promise<BindResult[]> {
  const first = await Promise.all(targets.map((t) => tryBind(t, port)));
  if (first.every((b) => b.outcome !== 'busy')) return first;
  await delay(RECHECK_MS + Math.random() * RECHECK_MS);
  return Promise.all(targets.map((t) => tryBind(t, port)));
}

async function portReasons(port: number, role: PortRole, blocking: boolean, binds: BindResult[], ctx: ProbeContext) {
  const busy = binds.filter((b) => b.outcome === 'busy');
  const entries = entriesOnPort(await ctx.tcpTable(), port);
  if (entries.length === 0 && busy.length === 0) return { reasons: [], notes: [] };
  const owners = entries.some((e) => e.inode !== 0) ? await ctx.owners() : new Map();
  const holders = holdersOf(entries, owners);
  const reasons: Reason[] = busy.map((b) => ({
    kind: 'tcp', blocking, port, role, family: b.family, address: b.address,
    error: b.error ?? 'EADDRINUSE',
    holders: holders.filter((h) => overlaps(b.address, h.local)),
  }));
  const notes: PortNote[] = busy.length === 0 ? [{ port, role, holders }] : [];
  return { reasons, notes };
}

/** RFB first, then X11, then web: with --rfbport equal to another the tests would otherwise collide with each other. */
export async function probePorts(ports: { rfb: number; x11: number; web?: number | undefined }, options: ProbeOptions, ctx: ProbeContext) {
  const rfbBinds = await bindAll(bindTargets(options.localhost), ports.rfb);
  const x11Binds = await bindAll(X11_TARGETS, ports.x11);
  const webBinds = ports.web === undefined ? [] : await bindAll(bindTargets(options.localhost), ports.web);
  const found = await Promise.all([
    portReasons(ports.rfb, 'rfb', true, rfbBinds, ctx),
    portReasons(ports.x11, 'x11', options.listenTcp, x11Binds, ctx),
    ...(ports.web === undefined ? [] : [portReasons(ports.web, 'web', true, webBinds, ctx)]),
  ]);
  return { reasons: found.flatMap((f) => f.reasons), notes: found.flatMap((f) => f.notes) };
}
