import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TsvncError, type ErrorCode } from '../../src/errors.js';
import { isClassicForm, translateVncserverArgs } from '../../src/compat/vncserver-argv.js';

const HOSTS = ['vm.example.org', 'vm'];

/**
 * The translation, without the `--format vncserver` that every classic start,
 * list and kill carries (asserted here, once for all): the rest is the point.
 */
function argv(...args: string[]): string[] {
  const result = translateVncserverArgs(args, HOSTS);
  assert.ok('argv' in result, `${args.join(' ')}: expected a command line`);
  const words = [...result.argv];
  const at = words.indexOf('--format');
  if (words.some((w) => ['start', 'list', 'kill'].includes(w)) && !words.includes('sessionlist')) {
    assert.equal(words[at + 1], 'vncserver', `${args.join(' ')}: prints what vncserver prints`);
  }
  if (at !== -1 && words[at + 1] === 'vncserver') words.splice(at, 2);
  return words;
}

function refused(args: string[], code: ErrorCode, message: RegExp, hint: RegExp): void {
  assert.throws(() => translateVncserverArgs(args, HOSTS), (error: unknown) => {
    assert.ok(error instanceof TsvncError, `${args.join(' ')}: not a TsvncError`);
    assert.equal(error.code, code, args.join(' '));
    assert.match(error.message, message, args.join(' '));
    assert.match(error.hint ?? '', hint, args.join(' '));
    return true;
  });
}

describe('vncserver command lines translated to tsvnc', () => {
  it('maps the start options, the display given anywhere', () => {
    assert.deepEqual(argv(':1', '-geometry', '1280x800', '-depth', '24'), ['start', ':1', '--geometry=1280x800', '--depth=24']);
    assert.deepEqual(argv('-geometry=1280x800', '-depth', '16', ':2'), ['start', ':2', '--geometry=1280x800', '--depth=16']);
    assert.deepEqual(argv('-desktop', 'my desk', '-rfbport', '5999', '-SecurityTypes', 'VncAuth,TLSVnc'),
      ['start', '--desktop=my desk', '--rfbport=5999', '--security-types=VncAuth,TLSVnc']);
    assert.deepEqual(argv('-name', '-dash name'), ['start', '--desktop=-dash name'], 'a value starting with - stays a value');
    assert.deepEqual(argv('--geometry', '800x600', ':1.0'), ['start', ':1', '--geometry=800x600'], 'double dash and a screen number, as vncserver takes them');
    assert.deepEqual(argv(), ['start']);
  });

  it('treats server parameters case-insensitively and wrapper options case-sensitively, as vncserver does', () => {
    assert.deepEqual(argv('-securitytypes', 'None', '-LOCALHOST', 'yes', '-RfbPort=5905'), ['start', '--security-types=None', '--localhost=yes', '--rfbport=5905']);
    refused(['-Kill', ':1'], 'BAD_ARGUMENT', /^-Kill is not a vncserver option \(they are case-sensitive\)$/, /-kill :N/);
    refused(['-Geometry', '800x600'], 'BAD_ARGUMENT', /-Geometry/, /-geometry WIDTHxHEIGHT/);
  });

  it('takes -localhost and -autokill alone or with a boolean word', () => {
    assert.deepEqual(argv('-localhost'), ['start', '--localhost=yes']);
    assert.deepEqual(argv('-localhost', 'no'), ['start', '--localhost=no']);
    assert.deepEqual(argv('-localhost=0', '-autokill', 'false'), ['start', '--localhost=no', '--autokill=no']);
    assert.deepEqual(argv('-autokill', ':3'), ['start', ':3', '--autokill=yes'], 'a display after it is not its value');
    assert.deepEqual(argv('-autokill', '-localhost', 'true'), ['start', '--autokill=yes', '--localhost=yes']);
    refused(['-localhost=maybe'], 'BAD_ARGUMENT', /-localhost "maybe"/, /-localhost \[yes\|no\]/);
  });

  it('maps -xstartup, -noxstartup and the session command after --', () => {
    assert.deepEqual(argv('-xstartup', '/usr/bin/xterm'), ['start', '--xstartup=/usr/bin/xterm']);
    assert.deepEqual(argv('-xstartup'), ['start'], '-xstartup alone is the default session');
    assert.deepEqual(argv('-xstartup', '-geometry', '800x600'), ['start', '--geometry=800x600']);
    assert.deepEqual(argv('-noxstartup'), ['start', '--no-xstartup']);
    assert.deepEqual(argv('-xstartup', '/a', '-noxstartup'), ['start', '--no-xstartup'], 'the last one wins');
    assert.deepEqual(argv('-noxstartup', '-xstartup', '/a'), ['start', '--xstartup=/a']);
    assert.deepEqual(argv(':1', '--', 'xterm', '-title', 'a b'), ['start', ':1', "--xstartup=xterm -title 'a b'"]);
    assert.deepEqual(argv('-xstartup', '/my xs', '--', 'startxfce4'), ["start", "--xstartup='/my xs' startxfce4"], 'the script gets the session as its arguments');
  });

  it('maps the modes: -fg, -useold, -dry-run, -I-KNOW-THIS-IS-INSECURE, -verbose', () => {
    assert.deepEqual(argv('-fg', '-useold', ':1'), ['start', ':1', '--fg', '--useold']);
    assert.deepEqual(argv('-dry-run', '-I-KNOW-THIS-IS-INSECURE'), ['start', '--dry-run', '--insecure']);
    assert.deepEqual(argv('-verbose', '-list'), ['--log-level', 'info', 'list']);
  });

  it('maps -list, -kill, -clean and -version', () => {
    assert.deepEqual(argv('-list'), ['list']);
    assert.deepEqual(argv('-list', ':2'), ['list', ':2']);
    assert.deepEqual(argv('-list', ':*', '-cleanstale'), ['list']);
    assert.deepEqual(argv('-kill', ':1'), ['kill', ':1']);
    assert.deepEqual(argv(':1', '-kill', '-clean'), ['kill', ':1', '--clean']);
    assert.deepEqual(argv('-kill', ':*'), ['kill', ':*']);
    assert.deepEqual(argv('-kill', ':3', '-geometry', '800x600'), ['kill', ':3'], 'start options are ignored by -kill, as by vncserver');
    assert.deepEqual(argv('-version'), ['--version']);
    assert.deepEqual(translateVncserverArgs(['-help'], HOSTS), { usage: true });
    assert.deepEqual(translateVncserverArgs(['-?'], HOSTS), { usage: true });
    assert.deepEqual(translateVncserverArgs(['-h'], HOSTS), { usage: true });
  });

  it('passes unknown options to Xtigervnc with their values; a later one of the same name replaces the earlier', () => {
    assert.deepEqual(argv(':1', '-FrameRate', '30', '-AlwaysShared', '-Log', '*:stderr:100'), ['start', ':1', '--', '-FrameRate', '30', '-AlwaysShared', '-Log', '*:stderr:100']);
    assert.deepEqual(argv('-MaxIdleTime=60', 'ZlibLevel=1', '-pixelformat', 'rgb565'), ['start', '--', '-MaxIdleTime=60', 'ZlibLevel=1', '-pixelformat', 'rgb565']);
    assert.deepEqual(argv('-FrameRate', '30', '-FrameRate', '20'), ['start', '--', '-FrameRate', '20']);
    assert.deepEqual(argv('-AlwaysShared', ':4'), ['start', ':4', '--', '-AlwaysShared'], 'a display is never an option value');
    assert.deepEqual(argv('-dpi', '96', '-fp', '/usr/share/fonts/X11/misc'), ['start', '--', '-dpi', '96', '-fp', '/usr/share/fonts/X11/misc']);
  });

  it("takes TurboVNC's forms as Open OnDemand passes them: -rfbauth, -log, -nohttpd, -idletimeout, -sessionlist", () => {
    assert.deepEqual(argv('-log', 'vnc.log', '-rfbauth', 'vnc.passwd', '-nohttpd', '-noxstartup', '-name', 'OOD', '-geometry', '800x600', '-idletimeout', '3600'),
      ['start', '--log-file=vnc.log', '--password-file=vnc.passwd', '--desktop=OOD', '--geometry=800x600', '--idle-timeout=3600', '--no-xstartup']);
    assert.deepEqual(argv('-passwd', '/p'), ['start', '--password-file=/p'], "TigerVNC's own -passwd FILE");
    assert.deepEqual(argv('-PasswordFile', '/x', '-MaxDisconnectionTime', '60'), ['start', '--password-file=/x', '--idle-timeout=60'], 'the server parameters they stand for, any case');
    assert.deepEqual(argv('-securitytypes', 'vncauth'), ['start', '--security-types=vncauth'], 'checked here, spelled by the start options');
    assert.deepEqual(argv('-sessionlist'), ['list', '--format', 'sessionlist']);
    assert.deepEqual(argv('-otp', '-noxstartup'), ['start', '--otp', '--no-xstartup'], "TurboVNC's one-time passwords");
    assert.deepEqual(argv('-log', '*:stderr:100'), ['start', '--', '-log', '*:stderr:100'], "Xtigervnc's own -log is a log setting, not a file");
    refused(['-idletimeout', 'soon'], 'BAD_ARGUMENT', /^-idletimeout "soon" is not accepted$/, /-idletimeout SECONDS/);
    refused(['-idletimeout', '0'], 'BAD_ARGUMENT', /^-idletimeout "0"/, /1 to 604800/);
    refused(['-rfbauth'], 'BAD_ARGUMENT', /^-rfbauth needs a value$/, /-rfbauth FILE/);
    refused(['-dpi', 'high'], 'BAD_ARGUMENT', /^-dpi "high"/, /-dpi N/);
  });

  it('accepts this machine as the host of a display, localhost meaning -localhost', () => {
    assert.deepEqual(argv('vm:2'), ['start', ':2']);
    assert.deepEqual(argv('localhost:4'), ['start', ':4', '--localhost=yes']);
    assert.deepEqual(argv('5'), ['start', ':5']);
    refused(['other.example.org:1'], 'BAD_DISPLAY', /^other\.example\.org:1 is a display on another machine$/, /ssh other\.example\.org tsvnc :1/);
    refused(['bob@vm:1'], 'BAD_DISPLAY', /another machine/, /ssh bob@vm tsvnc :1/);
  });

  it('refuses bad forms with the classic option and its right form', () => {
    refused(['-geometry'], 'BAD_ARGUMENT', /^-geometry needs a value$/, /-geometry WIDTHxHEIGHT/);
    refused(['-geometry', '12x'], 'BAD_ARGUMENT', /^-geometry "12x" is not accepted$/, /-geometry WIDTHxHEIGHT/);
    refused(['-depth', '15'], 'BAD_ARGUMENT', /^-depth "15" is not accepted$/, /16, 24, 32/);
    refused(['-depth', 'x'], 'BAD_ARGUMENT', /^-depth "x"/, /-depth 16\|24\|32/);
    refused(['-rfbport', '70000'], 'BAD_ARGUMENT', /^-rfbport "70000"/, /-rfbport PORT/);
    refused(['-SecurityTypes', 'Bogus'], 'BAD_ARGUMENT', /^-SecurityTypes "Bogus"/, /VncAuth/);
    refused(['-kill'], 'BAD_ARGUMENT', /^-kill needs the display/, /-kill :N/);
    refused(['-kill', ':1', '-dry-run'], 'BAD_ARGUMENT', /-dry-run/, /tsvnc list/);
    refused(['-fg=1'], 'BAD_ARGUMENT', /-fg takes no value/, /-fg/);
    refused([':*'], 'BAD_ARGUMENT', /:\* names every display/, /:N/);
    refused([':99999'], 'BAD_DISPLAY', /out of range/, /display from 0/);
    refused(['start'], 'BAD_ARGUMENT', /^"start" is neither a vncserver option nor a display$/, /:N/);
    refused([':abc', '-geometry', '1280x800'], 'BAD_ARGUMENT', /^":abc" is not a display$/, /:N with a number/);
    refused(['-xdisplaydefaults'], 'BAD_ARGUMENT', /not supported/, /-geometry/);
  });
});

describe('isClassicForm', () => {
  it('is a display or a single-dash option that tsvnc does not have', () => {
    for (const args of [[':1'], [':1', '-geometry', '800x600'], ['-kill', ':1'], ['-list'], ['-version'], ['-geometry', '800x600'], [':*'], ['-help'], [':abc', '-geometry', '800x600']]) {
      assert.equal(isClassicForm(args), true, args.join(' '));
    }
    for (const args of [[], ['start', ':1'], ['--version'], ['--help'], ['-h'], ['list'], ['kill', ':1'], ['--log-level', 'info', 'list']]) {
      assert.equal(isClassicForm(args), false, args.join(' '));
    }
  });
});
