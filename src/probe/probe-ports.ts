import { bindTargets, tryBind, type BindResult } from '../ports/bind-test.js';
import { entriesOnPort, holdersOf } from '../ports/port-holders.js';
import type { ProbeContext } from './probe-context.js';
import type { PortNote, PortRole, ProbeOptions, Reason } from './types.js';

/** X11 over TCP (`-listen tcp`) binds the wildcards whatever -localhost says; vncserver's own check does too. */
const X11_TARGETS = bindTargets(false);

async function portReasons(port: number, role: PortRole, blocking: boolean, binds: BindResult[], ctx: ProbeContext) {
  const busy = binds.filter((b) => b.outcome === 'busy');
  const entries = entriesOnPort(await ctx.tcpTable(), port);
  if (entries.length === 0 && busy.length === 0) return { reasons: [], notes: [] };
  const owners = entries.some((e) => e.inode !== 0) ? await ctx.owners() : new Map();
  const holders = holdersOf(entries, owners);
  const reasons: Reason[] = busy.map((b) => {
    const sameFamily = holders.filter((h) => h.family === b.family);
    return {
      kind: 'tcp', blocking, port, role, family: b.family, address: b.address,
      error: b.error ?? 'EADDRINUSE',
      holders: sameFamily.length > 0 ? sameFamily : holders,
    };
  });
  const notes: PortNote[] = busy.length === 0 ? [{ port, role, holders }] : [];
  return { reasons, notes };
}

export async function probePorts(ports: { rfb: number; x11: number }, options: ProbeOptions, ctx: ProbeContext) {
  const rfbTargets = bindTargets(options.localhost);
  const [rfbBinds, x11Binds] = await Promise.all([
    Promise.all(rfbTargets.map((t) => tryBind(t, ports.rfb))),
    Promise.all(X11_TARGETS.map((t) => tryBind(t, ports.x11))),
  ]);
  const [rfb, x11] = await Promise.all([
    portReasons(ports.rfb, 'rfb', true, rfbBinds, ctx),
    portReasons(ports.x11, 'x11', options.listenTcp, x11Binds, ctx),
  ]);
  return { reasons: [...rfb.reasons, ...x11.reasons], notes: [...rfb.notes, ...x11.notes] };
}
