import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { certificateFiles, cleartextWarning } from '../../src/session/security-options.js';

describe('certificateFiles', () => {
  it('finds -X509Cert and -X509Key in either form; the last one given wins', () => {
    assert.deepEqual(certificateFiles(['-X509Cert', '/a', '-X509Key=/k', '-x509cert=/b']), { cert: '/b', key: '/k' });
    assert.equal(certificateFiles(['-X509Cert', '/a']), null);
    assert.deepEqual(certificateFiles(['X509Cert=/c', 'x509key=/k']), { cert: '/c', key: '/k' }, "Xvnc's name=value form");
  });
});

describe('cleartextWarning', () => {
  it('warns off localhost for types without TLS, and names the password for Plain', () => {
    assert.equal(cleartextWarning({ localhost: true, securityTypes: ['VncAuth'] }), null);
    assert.equal(cleartextWarning({ localhost: false, securityTypes: ['TLSVnc', 'X509Plain'] }), null);
    const vnc = cleartextWarning({ localhost: false, securityTypes: ['VncAuth'] }) ?? '';
    assert.match(vnc, /VncAuth .*unencrypted.*ssh tunnel.*TLSVnc/);
    assert.doesNotMatch(vnc, /password/);
    assert.match(cleartextWarning({ localhost: false, securityTypes: ['TLSVnc', 'Plain'] }) ?? '', /Plain .*unencrypted, and with Plain the password too/);
  });
});
