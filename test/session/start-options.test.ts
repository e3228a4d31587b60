import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../src/model/restart-policy.js';
import { TsvncError, type ErrorCode } from '../../src/errors.js';
import type { StartRequest } from '../../src/daemon/protocol.js';
import type { SessionOptions } from '../../src/model/session-record.js';
import { looksLikeTsvncServer, resolveOptions, serverArgs } from '../../src/session/start-options.js';
import {
  checkExtraArgs,
  MAX_DESKTOP_NAME,
  DEFAULT_DEPTH,
  DEFAULT_GEOMETRY,
  parseDepth,
  parseGeometry,
  parseSecurityTypes,
  usesPasswdFile,
} from '../../src/model/option-validators.js';

function fails(code: ErrorCode): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof TsvncError, `expected a TsvncError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.ok(error.hint, 'a TsvncError the user can act on carries a hint');
    return true;
  };
}

function request(fields: Partial<StartRequest> = {}): StartRequest {
  return { localhost: true, noXstartup: false, autokill: true, insecure: false, extraArgs: [], env: {}, ...fields };
}

function options(fields: Partial<SessionOptions> = {}): SessionOptions {
  return {
    geometry: '1280x800',
    depth: 24,
    desktop: 'host:3 (me)',
    localhost: true,
    securityTypes: ['VncAuth'],
    rfbPort: 5903,
    xstartup: null,
    autokill: true,
    extraArgs: [],
    restart: DEFAULT_POLICY,
    ...fields,
  };
}

describe('parseGeometry', () => {
  it('accepts WIDTHxHEIGHT and normalizes leading zeros', () => {
    assert.equal(parseGeometry('1920x1080'), '1920x1080');
    assert.equal(parseGeometry('800x600'), '800x600');
    assert.equal(parseGeometry('01024x0768'), '1024x768');
  });

  it('accepts each side from 32 to 16384 and nothing outside', () => {
    assert.equal(parseGeometry('32x32'), '32x32');
    assert.equal(parseGeometry('16384x16384'), '16384x16384');
    assert.equal(parseGeometry('32x16384'), '32x16384');
    for (const text of ['31x100', '100x31', '16385x100', '100x16385', '0x0', '99999x99999']) {
      assert.throws(() => parseGeometry(text), fails('BAD_ARGUMENT'), text);
    }
  });

  it('refuses junk', () => {
    for (const text of ['12x', '1920x', 'x1080', 'axb', ' 1920x1080', '1920x1080 ', '1920X1080', '1920*1080', '1920x1080x24', '-1920x1080', '1e3x1080', '', '123456x100']) {
      assert.throws(() => parseGeometry(text), fails('BAD_ARGUMENT'), JSON.stringify(text));
    }
  });

  it('names the bad value in the message', () => {
    assert.throws(() => parseGeometry('axb'), /"axb"/);
  });
});

describe('parseDepth', () => {
  it('accepts 16, 24 and 32 only', () => {
    for (const depth of [16, 24, 32]) assert.equal(parseDepth(depth), depth);
    for (const depth of [0, 8, 15, 23, 24.5, 30, 64, -24, Number.NaN]) {
      assert.throws(() => parseDepth(depth), fails('BAD_ARGUMENT'), String(depth));
    }
  });
});

describe('parseSecurityTypes', () => {
  it('maps any case to the canonical spelling', () => {
    assert.deepEqual(parseSecurityTypes('vncauth'), ['VncAuth']);
    assert.deepEqual(parseSecurityTypes('NONE,tlsvnc,X509PLAIN'), ['None', 'TLSVnc', 'X509Plain']);
  });

  it('trims spaces, ignores empty items and removes duplicates keeping the first position', () => {
    assert.deepEqual(parseSecurityTypes(' TLSVnc , VncAuth,,tlsvnc, vncauth '), ['TLSVnc', 'VncAuth']);
  });

  it('refuses an unknown type, naming it', () => {
    assert.throws(() => parseSecurityTypes('VncAuth,Kerberos'), fails('BAD_ARGUMENT'));
    assert.throws(() => parseSecurityTypes('VncAuth,Kerberos'), /"Kerberos"/);
    assert.throws(() => parseSecurityTypes('Vnc Auth'), fails('BAD_ARGUMENT'));
  });

  it('refuses an empty list', () => {
    for (const text of ['', ' ', ',', ' , ,']) assert.throws(() => parseSecurityTypes(text), fails('BAD_ARGUMENT'), JSON.stringify(text));
  });
});

describe('usesPasswdFile', () => {
  it('is true exactly when a type checks ~/.vnc/passwd', () => {
    for (const type of ['VncAuth', 'TLSVnc', 'X509Vnc']) assert.equal(usesPasswdFile([type]), true, type);
    for (const type of ['None', 'Plain', 'TLSNone', 'TLSPlain', 'X509None', 'X509Plain']) assert.equal(usesPasswdFile([type]), false, type);
    assert.equal(usesPasswdFile([]), false);
    assert.equal(usesPasswdFile(['None', 'Plain', 'X509Vnc']), true);
  });
});

describe('resolveOptions', () => {
  it('fills in the defaults', () => {
    assert.deepEqual(resolveOptions(request(), 7, 'host:7 (me)', '/home/me/.vnc/xstartup'), {
      geometry: DEFAULT_GEOMETRY,
      depth: DEFAULT_DEPTH,
      desktop: 'host:7 (me)',
      localhost: true,
      securityTypes: ['VncAuth'],
      rfbPort: 5907,
      xstartup: '/home/me/.vnc/xstartup',
      autokill: true,
      extraArgs: [],
      restart: DEFAULT_POLICY,
    });
    assert.equal(DEFAULT_GEOMETRY, '1920x1080');
    assert.equal(DEFAULT_DEPTH, 24);
  });

  it('keeps what the request gives, validated and canonical', () => {
    const req = request({
      geometry: '1280x800', depth: 16, desktop: 'work', localhost: false, securityTypes: 'tlsvnc,VNCAUTH',
      rfbPort: 6100, autokill: false, extraArgs: ['-AlwaysShared'],
    });
    assert.deepEqual(resolveOptions(req, 2, 'ignored', null), {
      geometry: '1280x800',
      depth: 16,
      desktop: 'work',
      localhost: false,
      securityTypes: ['TLSVnc', 'VncAuth'],
      rfbPort: 6100,
      xstartup: null,
      autokill: false,
      extraArgs: ['-AlwaysShared'],
      restart: DEFAULT_POLICY,
    });
  });

  it('takes the RFB port from the display unless one is given', () => {
    assert.equal(resolveOptions(request(), 0, '', null).rfbPort, 5900);
    assert.equal(resolveOptions(request(), 42, '', null).rfbPort, 5942);
    assert.equal(resolveOptions(request({ rfbPort: 5999 }), 42, '', null).rfbPort, 5999);
  });

  it('refuses unauthenticated types off localhost with INSECURE', () => {
    for (const types of ['None', 'tlsnone', 'X509None', 'VncAuth,None']) {
      assert.throws(() => resolveOptions(request({ localhost: false, securityTypes: types }), 1, '', null), fails('INSECURE'), types);
    }
  });

  it('names the unauthenticated types it refuses', () => {
    assert.throws(
      () => resolveOptions(request({ localhost: false, securityTypes: 'VncAuth,None,TLSNone' }), 1, '', null),
      (error: unknown) => error instanceof TsvncError && /None, TLSNone/.test(error.message),
    );
  });

  it('allows unauthenticated types off localhost with insecure: true', () => {
    const resolved = resolveOptions(request({ localhost: false, securityTypes: 'None', insecure: true }), 1, '', null);
    assert.deepEqual(resolved.securityTypes, ['None']);
    assert.equal(resolved.localhost, false);
  });

  it('allows unauthenticated types on localhost', () => {
    assert.deepEqual(resolveOptions(request({ localhost: true, securityTypes: 'None,TLSNone' }), 1, '', null).securityTypes, ['None', 'TLSNone']);
  });

  it('allows authenticated types off localhost', () => {
    const cert = ['-X509Cert', '/etc/ssl/vnc.pem', '-X509Key', '/etc/ssl/vnc.key'];
    for (const types of ['VncAuth', 'Plain', 'TLSVnc', 'TLSPlain', 'X509Vnc', 'X509Plain']) {
      assert.deepEqual(resolveOptions(request({ localhost: false, securityTypes: types, extraArgs: cert }), 1, '', null).securityTypes, [types], types);
    }
  });

  it('refuses half a certificate pair for the X509 types; with neither, the user\'s certificate serves (the daemon adds it)', () => {
    for (const [types, extraArgs] of [['X509Vnc', ['-X509Cert', '/c.pem']], ['X509Plain', ['-X509Key=/k.pem']], ['VncAuth,X509None', ['-x509cert', '/c.pem']]] as const) {
      assert.throws(
        () => resolveOptions(request({ securityTypes: types, extraArgs: [...extraArgs] }), 1, '', null),
        (error: TsvncError) => error.code === 'BAD_ARGUMENT' && /alone: the server needs both a certificate and its key/.test(error.message) && /-X509Key KEY\.pem/.test(error.hint ?? ''),
        `${types} ${extraArgs.join(' ')}`,
      );
    }
    assert.deepEqual(resolveOptions(request({ securityTypes: 'X509Vnc', extraArgs: ['-x509cert=/c.pem', '-X509KEY', '/k.pem'] }), 1, '', null).securityTypes, ['X509Vnc']);
    assert.deepEqual(resolveOptions(request({ securityTypes: 'X509Vnc' }), 1, '', null).securityTypes, ['X509Vnc']);
  });

  it('gives the server the certificate tsvnc chose for it', () => {
    const args = serverArgs(1, { ...resolveOptions(request({ securityTypes: 'X509Vnc' }), 1, 'd', null), x509: { cert: '/h/.config/tsvnc/tls/cert.pem', key: '/h/.config/tsvnc/tls/key.pem' } }, '/a', '/p');
    assert.deepEqual(args.slice(args.indexOf('-X509Cert'), args.indexOf('-X509Cert') + 4), ['-X509Cert', '/h/.config/tsvnc/tls/cert.pem', '-X509Key', '/h/.config/tsvnc/tls/key.pem']);
  });

  it('with one-time passwords the server listens only on its private socket, with VncAuth, a password of tsvnc\'s own, no blacklist and no certificate', () => {
    const otp = { only: false, socket: '/s/rfb-1.sock', serverPasswordFile: '/s/rfb-1.passwd' };
    const options = { ...resolveOptions(request({ securityTypes: 'X509Vnc', otp: 'yes' }), 1, 'd', null), x509: { cert: '/c.pem', key: '/k.pem' }, otp };
    const args = serverArgs(1, options, '/a', '/p');
    const listen = args.indexOf('-rfbport');
    assert.deepEqual(args.slice(listen, listen + 13), [
      '-rfbport', '-1', '-rfbunixpath', '/s/rfb-1.sock', '-rfbunixmode', '0600', '-localhost=1', '-SecurityTypes', 'VncAuth', '-PasswordFile', '/s/rfb-1.passwd', '-BlacklistTimeout', '0',
    ]);
    assert.ok(!args.includes('-X509Cert'), 'tsvnc does the TLS with the viewer');
    assert.ok(!args.includes('/p'), "the user's password file is tsvnc's to check, not the server's");
  });

  it('refuses one-time passwords with types tsvnc cannot check, a socket option of its own, or an unknown otp value', () => {
    for (const types of ['None', 'VncAuth,Plain', 'TLSVnc', 'X509Plain']) {
      assert.throws(() => resolveOptions(request({ securityTypes: types, otp: 'only' }), 1, '', null),
        (error: TsvncError) => error.code === 'BAD_ARGUMENT' && /^one-time passwords work with security types VncAuth and X509Vnc, not /.test(error.message), types);
    }
    assert.throws(() => resolveOptions(request({ otp: 'yes', extraArgs: ['-RfbUnixPath=/x'] }), 1, '', null), /the server option -RfbUnixPath is managed by tsvnc with --otp/);
    assert.throws(() => resolveOptions(request({ otp: 'maybe' as 'yes' }), 1, '', null), /otp maybe is not accepted/);
    assert.doesNotThrow(() => resolveOptions(request({ otp: 'no', securityTypes: 'None' }), 1, '', null));
    assert.doesNotThrow(() => resolveOptions(request({ otp: 'yes', localhost: false }), 1, '', null), 'off localhost the default X509Vnc works');
  });

  it('refuses control characters and overlong text in the desktop name, the session program and server options', () => {
    for (const fields of [
      { desktop: 'b\x1b]0;PWNED\x07\x1b[2J' }, { desktop: 'two\nlines' }, { desktop: 'x\u009bm' }, { desktop: 'a'.repeat(MAX_DESKTOP_NAME + 1) }, { desktop: '' },
      { xstartup: 'xterm\rx' }, { xstartup: 'x'.repeat(200_000) },
      { extraArgs: ['-dpi', '96\x1b[2J'] }, { extraArgs: ['-x'.repeat(100_000)] }, { extraArgs: Array.from({ length: 1000 }, () => '-AlwaysShared') },
    ] as Partial<StartRequest>[]) {
      assert.throws(() => resolveOptions(request(fields), 1, '', null), fails('BAD_ARGUMENT'), JSON.stringify(fields).slice(0, 80));
    }
    assert.equal(resolveOptions(request({ desktop: 'Büro\tdesk ✓' }), 1, '', null).desktop, 'Büro\tdesk ✓');
  });

  it('names the control character and quotes the name escaped, so the error itself is safe to print', () => {
    assert.throws(() => resolveOptions(request({ desktop: 'b\x1b]0;PWNED\x07' }), 1, '', null), (error: TsvncError) => {
      assert.equal(error.message, '--desktop "b\\x1b]0;PWNED\\x07" contains the control character \\x1b');
      return true;
    });
  });

  it('refuses bad geometry, depth and security types from the request', () => {
    assert.throws(() => resolveOptions(request({ geometry: '1920x' }), 1, '', null), fails('BAD_ARGUMENT'));
    assert.throws(() => resolveOptions(request({ depth: 8 }), 1, '', null), fails('BAD_ARGUMENT'));
    assert.throws(() => resolveOptions(request({ securityTypes: 'Bogus' }), 1, '', null), fails('BAD_ARGUMENT'));
    assert.throws(() => resolveOptions(request({ securityTypes: '' }), 1, '', null), fails('BAD_ARGUMENT'));
  });

  it('refuses an RFB port that is not a TCP port, as the daemon trusts no client', () => {
    for (const rfbPort of [0, -1, 65536, 70000, 5900.5]) {
      assert.throws(() => resolveOptions(request({ rfbPort }), 1, '', null), fails('BAD_ARGUMENT'), String(rfbPort));
    }
  });
});

describe('serverArgs', () => {
  it('builds the exact Xtigervnc command line for a password type on localhost', () => {
    assert.deepEqual(serverArgs(3, options(), '/s/auth', '/home/me/.vnc/passwd'), [
      ':3',
      '-displayfd', '3',
      '-auth', '/s/auth',
      '-desktop', 'host:3 (me)',
      '-geometry', '1280x800',
      '-depth', '24',
      '-rfbport', '5903',
      '-localhost=1',
      '-SecurityTypes', 'VncAuth',
      '-PasswordFile', '/home/me/.vnc/passwd',
    ]);
  });

  it('says -localhost=0 off localhost and joins the security types', () => {
    assert.deepEqual(serverArgs(12, options({ localhost: false, securityTypes: ['TLSVnc', 'VncAuth'], rfbPort: 6000, depth: 32 }), '/a', '/p'), [
      ':12',
      '-displayfd', '3',
      '-auth', '/a',
      '-desktop', 'host:3 (me)',
      '-geometry', '1280x800',
      '-depth', '32',
      '-rfbport', '6000',
      '-localhost=0',
      '-SecurityTypes', 'TLSVnc,VncAuth',
      '-PasswordFile', '/p',
    ]);
  });

  it('passes -PasswordFile only for VncAuth, TLSVnc and X509Vnc', () => {
    for (const type of ['VncAuth', 'TLSVnc', 'X509Vnc']) {
      assert.ok(serverArgs(1, options({ securityTypes: [type] }), '/a', '/p').join(' ').endsWith(`-SecurityTypes ${type} -PasswordFile /p`), type);
    }
    for (const type of ['None', 'Plain', 'TLSNone', 'TLSPlain', 'X509None', 'X509Plain']) {
      const args = serverArgs(1, options({ securityTypes: [type] }), '/a', '/p');
      assert.ok(!args.includes('-PasswordFile') && !args.includes('/p'), type);
      assert.deepEqual(args.slice(-2), ['-SecurityTypes', type]);
    }
    assert.equal(serverArgs(1, options({ securityTypes: ['Plain', 'X509Vnc'] }), '/a', '/p').filter((a) => a === '-PasswordFile').length, 1);
  });

  it('puts the extra arguments last, unchanged', () => {
    const extra = ['-AlwaysShared', '-MaxIdleTime', '60', 'with space'];
    const args = serverArgs(1, options({ extraArgs: extra }), '/a', '/p');
    assert.deepEqual(args.slice(-extra.length), extra);
    assert.deepEqual(args.slice(-extra.length - 2, -extra.length), ['-PasswordFile', '/p']);
    const open = serverArgs(1, options({ securityTypes: ['None'], extraArgs: extra }), '/a', '/p');
    assert.deepEqual(open.slice(-extra.length - 2), ['-SecurityTypes', 'None', ...extra]);
  });

  it('keeps a desktop name with spaces as one argument', () => {
    const args = serverArgs(1, options({ desktop: 'my desk "x"' }), '/a', '/p');
    assert.equal(args[args.indexOf('-desktop') + 1], 'my desk "x"');
  });
});

describe('checkExtraArgs', () => {
  it('passes options tsvnc does not manage', () => {
    assert.doesNotThrow(() => checkExtraArgs(['-AlwaysShared', '-MaxIdleTime', '3600', '-dpi=96']));
  });

  it('refuses the options tsvnc sets itself, in any spelling, and names the tsvnc option instead', () => {
    for (const [arg, hint] of [['-SecurityTypes', /--security-types/], ['-securitytypes=None', /--security-types/], ['--localhost=0', /--localhost/], ['-rfbport', /--rfbport/], ['-displayfd', /readiness/], ['-PasswordFile=/x', /--password-file/], ['-rfbauth', /--password-file/], ['-interface', /--localhost/]] as const) {
      assert.throws(() => checkExtraArgs([arg]), (error: TsvncError) => error.code === 'BAD_ARGUMENT' && hint.test(error.hint ?? ''), arg);
    }
  });

  it('says why an option with no tsvnc counterpart must go, never an empty reason', () => {
    for (const arg of ['-inetd', '-auth', '-displayfd']) {
      assert.throws(() => checkExtraArgs([arg]), (error: TsvncError) => /^remove it: \S/.test(error.hint ?? '') && !error.hint?.includes('()'), arg);
    }
  });

  it('treats Object.prototype names as ordinary options', () => {
    assert.doesNotThrow(() => checkExtraArgs(['-constructor', '-toString']));
  });
});

describe('looksLikeTsvncServer', () => {
  it("recognizes the command line serverArgs builds, as /proc shows it, and not vncserver's", () => {
    assert.equal(looksLikeTsvncServer(['/usr/bin/Xtigervnc', ...serverArgs(12, options(), '/s/auth', '/p')].join(' ')), true);
    assert.equal(looksLikeTsvncServer('/usr/bin/Xtigervnc :1 -auth /home/a/.Xauthority -desktop x -rfbauth /home/a/.vnc/passwd -rfbport 5901'), false);
    assert.equal(looksLikeTsvncServer('/usr/bin/python3 Xtigervnc :1 -displayfd 3 -auth x'), false);
  });
});
