import { TsvncError } from '../errors.js';
import { quote } from '../output/printable.js';
import { parseDisplay } from '../display/display-number.js';
import { parseDepth, parseGeometry, parseIdleTimeout, parsePort, parseSecurityTypes } from '../model/option-validators.js';
import { booleanValue, findOption, isServerLogSpec, miscased, type ClassicOption } from './vncserver-options.js';

/** A vncserver command line, sorted: tsvnc start options already in tsvnc's spelling. */
export interface Parsed {
  flags: Set<string>;
  display?: number | '*';
  start: string[];
  /** Server options by name: a later one of the same name replaces an earlier one, as in vncserver. */
  extra: { name: string; args: string[] }[];
  /** -xstartup's file; '' for -xstartup alone (the default), null for -noxstartup: the last one wins. */
  xstartup?: string | null;
  session: string[];
  /** This machine's names, accepted in host:N. */
  hosts: readonly string[];
}

export function bad(message: string, hint: string): TsvncError {
  return new TsvncError('BAD_ARGUMENT', message, hint);
}

/** Values checked here so the error names the classic option, not tsvnc's spelling of it. */
function checked(option: ClassicOption, value: string, check: (v: string) => unknown): string {
  try {
    check(value);
    return value;
  } catch (error) {
    const hint = error instanceof TsvncError && error.hint ? `${error.hint}; ` : '';
    throw bad(`-${option.name} ${quote(value)} is not accepted`, `${hint}write ${option.form}`);
  }
}

function integer(text: string): number {
  if (!/^\d+$/.test(text)) throw bad(`${quote(text)} is not a number`, 'give a number');
  return Number(text);
}

const DISPLAY = /^(?:([^-:@=.\d][\w.-]*)@)?([^-:@=.\d][^=:@]*|\d+\.\d+\.\d+\.\d+|\[[\da-fA-F:.]+\])?(?::(\d+|\*)(?:\.\d+)?)?$/;

/**
 * A display as vncserver takes it (`:1`, `:1.0`, `:*`, `host:1`), or a bare
 * `N`; false when the argument is not one. Only this machine's names are
 * accepted as the host: vncserver would ssh to any other.
 */
function displayArg(arg: string, p: Parsed): boolean {
  const match = /^\d+$/.test(arg) ? [arg, undefined, undefined, arg] : DISPLAY.exec(arg);
  if (!match || arg === '') return false;
  const [, user, host, number] = match;
  const ours = host === undefined || host === 'localhost' || p.hosts.includes(host);
  // A lone word that is not a host name of ours is a typo far more often than a remote machine.
  if (!ours && user === undefined && number === undefined) return false;
  if (!ours || user !== undefined) {
    const target = `${user === undefined ? '' : `${user}@`}${(host ?? '').replace(/^\[|\]$/g, '')}`;
    throw new TsvncError('BAD_DISPLAY', `${arg} is a display on another machine`, `tsvnc starts desktops on this one; run it there: ssh ${target} tsvnc${number === undefined ? '' : ` :${number}`}`);
  }
  if (host === 'localhost') p.start.push('--localhost=yes');
  if (number !== undefined) p.display = number === '*' ? '*' : parseDisplay(number);
  return true;
}

function apply(option: ClassicOption, value: string | undefined, p: Parsed): void {
  const v = value ?? '';
  switch (option.name.toLowerCase()) {
    case 'geometry': p.start.push(`--geometry=${checked(option, v, parseGeometry)}`); break;
    case 'depth': p.start.push(`--depth=${checked(option, v, (d) => parseDepth(integer(d)))}`); break;
    case 'rfbport': p.start.push(`--rfbport=${checked(option, v, (n) => parsePort(integer(n)))}`); break;
    case 'securitytypes': p.start.push(`--security-types=${checked(option, v, parseSecurityTypes)}`); break;
    case 'desktop': case 'name': p.start.push(`--desktop=${v}`); break;
    case 'localhost': case 'autokill': {
      const on = booleanValue(v);
      if (on === undefined) throw bad(`-${option.name} ${quote(v)} is not accepted`, `write ${option.form}`);
      p.start.push(`--${option.name.toLowerCase()}=${on ? 'yes' : 'no'}`);
      break;
    }
    case 'xstartup': p.xstartup = v; break;
    case 'noxstartup': p.xstartup = null; break;
    case 'display': if (!displayArg(v, p)) throw bad(`-display ${quote(v)} is not a display`, `write ${option.form}`); break;
    case 'pixelformat': case 'fp': case 'auth': p.extra.push({ name: option.name, args: [`-${option.name}`, v] }); break;
    case 'dpi': p.extra.push({ name: option.name, args: ['-dpi', String(checked(option, v, integer))] }); break;
    case 'passwd': case 'rfbauth': case 'passwordfile':
      if (v === '') throw bad(`-${option.name} needs a file`, `write ${option.form}`);
      p.start.push(`--password-file=${v}`);
      break;
    case 'log':
      if (isServerLogSpec(v)) p.extra.push({ name: option.name, args: ['-log', v] });
      else p.start.push(`--log-file=${v}`);
      break;
    case 'idletimeout': case 'maxdisconnectiontime': p.start.push(`--idle-timeout=${checked(option, v, (s) => parseIdleTimeout(integer(s)))}`); break;
    case 'nohttpd': break;
    case 'otp': p.start.push('--otp'); break;
    case 'xdisplaydefaults': case 'wmdecoration': throw bad(`-${option.name} is not supported by tsvnc`, `give the size instead: ${option.form}`);
    default: p.flags.add(option.name);
  }
}

/** vncserver's own argument grammar: -opt, --opt, -opt=value, -opt value, and Param=value for server parameters. */
export function parseVncserverArgs(args: readonly string[], hosts: readonly string[]): Parsed {
  const p: Parsed = { flags: new Set(), start: [], extra: [], session: [], hosts };
  let pending: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      p.session = args.slice(i + 1);
      break;
    }
    const option = /^--?([A-Za-z?][^=]*)(?:=(.*))?$/s.exec(arg) ?? /^([A-Za-z][^=]+)=(.*)$/s.exec(arg);
    const looksLikeDisplay = !pending || arg.includes('@') || /:(\d+(\.\d+)?|\*)$/.test(arg);
    if (!option && looksLikeDisplay && displayArg(arg, p)) {
      pending = undefined;
      continue;
    }
    if (!option) {
      if (!pending && arg.startsWith(':')) throw bad(`${quote(arg)} is not a display`, 'write it as :N with a number, e.g. :1');
      if (!pending) throw bad(`${quote(arg)} is neither a vncserver option nor a display`, 'write the display as :N; options start with -');
      pending.push(arg);
      pending = undefined;
      continue;
    }
    const [, name = '', inline] = option;
    const known = findOption(name);
    const bare = !arg.startsWith('-');
    pending = undefined;
    if (known && !(bare && !known.caseInsensitive)) {
      let value = inline;
      const next = args[i + 1];
      if (known.kind === 'flag' && value !== undefined) throw bad(`${arg}: -${known.name} takes no value`, `write ${known.form}`);
      if (known.kind === 'value' && value === undefined) {
        if (next === undefined) throw bad(`-${known.name} needs a value`, `write ${known.form}`);
        value = next;
        i++;
      }
      if (value === undefined && next !== undefined
        && ((known.kind === 'boolean' && booleanValue(next) !== undefined && next !== '') || (known.kind === 'optional' && !next.startsWith('-')))) {
        value = next;
        i++;
      }
      apply(known, value, p);
      continue;
    }
    const wrong = miscased(name);
    if (wrong) throw bad(`${arg} is not a vncserver option (they are case-sensitive)`, `write ${wrong.form}`);
    p.extra = p.extra.filter((e) => e.name !== name);
    const entry = { name, args: [arg] };
    p.extra.push(entry);
    if (inline === undefined && !bare) pending = entry.args;
  }
  return p;
}
