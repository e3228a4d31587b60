import { basename } from 'node:path';
import { hostname } from 'node:os';
import { isClassicForm, translateVncserverArgs, type Translation } from './vncserver-argv.js';

/** Names under which tsvnc is the drop-in for TigerVNC's wrapper. */
const VNCSERVER_NAMES = new Set(['vncserver', 'tigervncserver']);

/**
 * The command line tsvnc should run: vncserver's forms translated when tsvnc
 * was invoked as vncserver (the link's own name, not its target) or when the
 * arguments are in vncserver's form; otherwise as given. A first argument
 * that is a plain word is a tsvnc command even as vncserver: the daemon is
 * launched through the same program path (`vncserver daemon --foreground`).
 */
export function resolveInvocation(program: string | undefined, args: string[]): Translation {
  const asVncserver = program !== undefined && VNCSERVER_NAMES.has(basename(program)) && !/^[a-z][a-z-]*$/.test(args[0] ?? '');
  if (!asVncserver && !isClassicForm(args)) return { argv: args };
  const host = hostname();
  return translateVncserverArgs(args, [host, host.split('.')[0] ?? host]);
}
