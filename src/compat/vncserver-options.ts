/**
 * The options of TigerVNC's vncserver wrapper (Debian's tigervncserver 1.12)
 * and TurboVNC's that tsvnc understands, spelled and parsed as they parse
 * them. Wrapper options are case-sensitive; the server parameters they know
 * are not, as in Xtigervnc. Anything else is a server option passed through
 * unchanged.
 */
type OptionKind =
  /** no value: -kill */
  | 'flag'
  /** a value, as the next argument or after `=`: -geometry 1280x800 */
  | 'value'
  /** a value only if the next argument is a boolean word: -localhost, -localhost no */
  | 'boolean'
  /** a value only if the next argument is not an option: -xstartup, -xstartup FILE */
  | 'optional';

export interface ClassicOption {
  name: string;
  kind: OptionKind;
  caseInsensitive: boolean;
  /** The right form, for error messages. */
  form: string;
}

const WRAPPER: [string, OptionKind, string][] = [
  ['help', 'flag', '-help'], ['h', 'flag', '-h'], ['?', 'flag', '-?'],
  ['kill', 'flag', '-kill :N'], ['clean', 'flag', '-kill :N -clean'], ['list', 'flag', '-list [:N]'],
  ['cleanstale', 'flag', '-list -cleanstale'], ['version', 'flag', '-version'], ['fg', 'flag', '-fg'],
  ['useold', 'flag', '-useold'], ['verbose', 'flag', '-verbose'], ['dry-run', 'flag', '-dry-run'],
  ['I-KNOW-THIS-IS-INSECURE', 'flag', '-I-KNOW-THIS-IS-INSECURE'], ['noxstartup', 'flag', '-noxstartup'],
  ['xdisplaydefaults', 'flag', '-geometry WIDTHxHEIGHT -depth 24'],
  ['geometry', 'value', '-geometry WIDTHxHEIGHT'], ['depth', 'value', '-depth 16|24|32'],
  ['pixelformat', 'value', '-pixelformat rgb888|rgb565|bgr888|bgr565'], ['fp', 'value', '-fp PATH[,PATH...]'],
  ['name', 'value', '-name NAME'], ['wmDecoration', 'value', '-geometry WIDTHxHEIGHT'], ['passwd', 'value', '-passwd FILE'],
  ['auth', 'value', '-auth FILE'], ['xstartup', 'optional', '-xstartup [FILE]'], ['autokill', 'boolean', '-autokill [yes|no]'],
  // TurboVNC's, as Open OnDemand's batch-connect template passes them.
  ['log', 'value', '-log FILE'], ['nohttpd', 'flag', '-nohttpd'], ['idletimeout', 'value', '-idletimeout SECONDS'],
  ['sessionlist', 'flag', '-sessionlist'], ['dpi', 'value', '-dpi N'], ['otp', 'flag', '-otp'],
];

const PARAMETERS: [string, OptionKind, string][] = [
  ['display', 'value', '-display :N'], ['localhost', 'boolean', '-localhost [yes|no]'], ['desktop', 'value', '-desktop NAME'],
  ['rfbport', 'value', '-rfbport PORT'], ['SecurityTypes', 'value', '-SecurityTypes VncAuth[,TLSVnc...]'],
  ['rfbauth', 'value', '-rfbauth FILE'], ['PasswordFile', 'value', '-PasswordFile FILE'], ['MaxDisconnectionTime', 'value', '-idletimeout SECONDS'],
];

const OPTIONS: ClassicOption[] = [
  ...WRAPPER.map(([name, kind, form]) => ({ name, kind, form, caseInsensitive: false })),
  ...PARAMETERS.map(([name, kind, form]) => ({ name, kind, form, caseInsensitive: true })),
];

/** The option `name` (without dashes) stands for, if vncserver knows it. */
export function findOption(name: string): ClassicOption | undefined {
  return OPTIONS.find((o) => (o.caseInsensitive ? o.name.toLowerCase() === name.toLowerCase() : o.name === name));
}

/** Wrapper options that are also Xtigervnc parameters in another case: TurboVNC's -log FILE, Xtigervnc's -Log SPEC. */
const ALSO_PARAMETERS = new Set(['log']);

/** A wrapper option written in the wrong case (-Kill): vncserver would pass it to the server, which fails. */
export function miscased(name: string): ClassicOption | undefined {
  if (ALSO_PARAMETERS.has(name.toLowerCase())) return undefined;
  return OPTIONS.find((o) => !o.caseInsensitive && o.name.toLowerCase() === name.toLowerCase() && o.name !== name);
}

/** Xtigervnc's own -log value (`*:stderr:100`, `VNCServerST:syslog`) rather than TurboVNC's log file. */
export function isServerLogSpec(value: string): boolean {
  return /^[\w*]+:(stderr|stdout|syslog|file)(:\d+)?(,|$)/.test(value);
}

/** vncserver's boolean words; an empty value (-localhost alone) is true. */
export function booleanValue(text: string): boolean | undefined {
  if (['', '1', 'yes', 'true'].includes(text)) return true;
  if (['0', 'no', 'false'].includes(text)) return false;
  return undefined;
}

export const USAGE = `Usage: tsvnc [:N] [options] [-- session command]   (also installed as vncserver)
       tsvnc -kill :N|:* [-clean]
       tsvnc -list [:N] | -sessionlist
       tsvnc -version

vncserver's options (TigerVNC's and TurboVNC's), mapped onto tsvnc start:
  -geometry WxH  -depth 16|24|32  -desktop NAME  -name NAME  -rfbport PORT  -dpi N
  -localhost [yes|no]  -SecurityTypes LIST  -I-KNOW-THIS-IS-INSECURE
  -rfbauth FILE  -passwd FILE  -log FILE  -idletimeout SECONDS  -otp  -nohttpd (ignored)
  -xstartup [FILE]  -noxstartup  -autokill [yes|no]  -fg  -useold  -dry-run  -verbose
Any other -Option [value] goes to Xtigervnc as it is. Start, -list and -kill print what
TigerVNC's vncserver prints, or TurboVNC's with vncserver-output = turbovnc (tsvnc.conf).
tsvnc --help lists tsvnc's own commands; man tsvnc has the whole mapping (VNCSERVER COMPATIBILITY).
`;
