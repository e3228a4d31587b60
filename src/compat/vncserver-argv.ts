import { shellWord } from '../output/shell-word.js';
import { bad, parseVncserverArgs, type Parsed } from './parse-vncserver.js';

/** A classic command line prints what the wrapper it replaces prints (see output/vncserver-text.ts). */
const CLASSIC = ['--format', 'vncserver'];

/** What a classic command line asks for: tsvnc's own argv, or vncserver's usage text. */
export type Translation = { argv: string[] } | { usage: true };

function displayText(p: Parsed): string[] {
  return p.display === undefined || p.display === '*' ? [] : [`:${p.display}`];
}

/** The session program: -xstartup FILE gets the session command as its arguments, as vncserver runs it. */
function xstartupArgs(p: Parsed): string[] {
  if (p.xstartup === null) return ['--no-xstartup'];
  const session = p.session.length === 1 ? [p.session[0] ?? ''] : p.session.map(shellWord);
  if (p.xstartup !== undefined && p.xstartup !== '') return [`--xstartup=${[shellWord(p.xstartup), ...session].join(' ')}`];
  return session.length > 0 ? [`--xstartup=${session.join(' ')}`] : [];
}

/**
 * Translates a vncserver command line into tsvnc's: `start [:N] ... --
 * <server options>`, `list [:N]`, `kill :N|:*`, `--version`. `hosts` are
 * this machine's names, accepted in `host:N`. Throws BAD_ARGUMENT or
 * BAD_DISPLAY naming the classic option and its right form.
 */
export function translateVncserverArgs(args: readonly string[], hosts: readonly string[]): Translation {
  const p = parseVncserverArgs(args, hosts);
  const f = p.flags;
  if (f.has('help') || f.has('h') || f.has('?')) return { usage: true };
  const verbose = f.has('verbose') ? ['--log-level', 'info'] : [];
  if (f.has('kill')) {
    if (p.display === undefined) throw bad('-kill needs the display to stop', "write -kill :N, or -kill ':*' for all your sessions");
    if (f.has('dry-run')) throw bad('-kill -dry-run is not supported', 'tsvnc list shows what -kill would stop');
    return { argv: [...verbose, 'kill', p.display === '*' ? ':*' : `:${p.display}`, ...(f.has('clean') ? ['--clean'] : []), ...CLASSIC] };
  }
  if (f.has('sessionlist')) return { argv: [...verbose, 'list', ...displayText(p), '--format', 'sessionlist'] };
  if (f.has('list')) return { argv: [...verbose, 'list', ...displayText(p), ...CLASSIC] };
  if (f.has('version')) return { argv: ['--version'] };
  if (p.display === '*') throw bad(':* names every display, which only -kill and -list take', 'write :N, or leave the display out to get the lowest free one');
  const modes = ([['fg', '--fg'], ['useold', '--useold'], ['dry-run', '--dry-run'], ['I-KNOW-THIS-IS-INSECURE', '--insecure']] as const)
    .filter(([flag]) => f.has(flag)).map(([, option]) => option);
  const extra = p.extra.flatMap((e) => e.args);
  return { argv: [...verbose, 'start', ...displayText(p), ...p.start, ...xstartupArgs(p), ...modes, ...CLASSIC, ...(extra.length > 0 ? ['--', ...extra] : [])] };
}

const OWN_SINGLE_DASH = new Set(['-h']);

/**
 * Whether a `tsvnc` command line is in vncserver's form: it starts with a
 * display (`:1`, or anything else that starts with a colon) or with a single-dash option that tsvnc does not have
 * itself (`-geometry`, `-kill`; not `-h`).
 */
export function isClassicForm(args: readonly string[]): boolean {
  const first = args[0];
  if (first === undefined) return false;
  // No tsvnc command starts with a colon: `:abc` is a display mistyped, and the classic parser says so.
  return first.startsWith(':') || (/^-[^-]/.test(first) && !OWN_SINGLE_DASH.has(first));
}
