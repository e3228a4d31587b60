import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { printable, printableJson, quote, QUOTE_MAX } from '../../src/output/printable.js';
import { printableStream } from '../../src/output/print.js';

/** Whatever a terminal would act on: C0 but tab, DEL, C1, the separators and bidirectional controls. */
const ACTIVE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('printable', () => {
  it('escapes terminal escapes, bells and line breaks so a name cannot retitle, clear or forge a line', () => {
    assert.equal(printable('b\x1b]0;PWNED\x07\x1b[2J'), 'b\\x1b]0;PWNED\\x07\\x1b[2J');
    assert.equal(printable('a\nfix: forged\r'), 'a\\nfix: forged\\r');
    assert.equal(printable('\u009b2J \u202eevil \u2028'), '\\x9b2J \\u202eevil \\u2028');
  });

  it('leaves tabs, backslashes and ordinary Unicode as they are', () => {
    assert.equal(printable('Büro\tdesk ✓ C:\\x 😀'), 'Büro\tdesk ✓ C:\\x 😀');
  });

  it('keeps the characters it is told to keep', () => {
    assert.equal(printable('one\ntwo\x1b', '\n'), 'one\ntwo\\x1b');
  });

  it('leaves nothing a terminal acts on, for every code point below 0x3000', () => {
    const all = Array.from({ length: 0x3000 }, (_, i) => String.fromCharCode(i)).join('');
    assert.doesNotMatch(printable(all), ACTIVE);
  });
});

describe('printableJson', () => {
  it('escapes what JSON.stringify leaves raw and keeps the JSON and its values as they were', () => {
    const value = { name: 'b\x1b]0;x\x07\u009b\u2028\x7f', n: 1 };
    const json = JSON.stringify(value, null, 2);
    assert.match(json, ACTIVE, 'JSON.stringify alone leaves DEL, C1 and U+2028 raw');
    const escaped = printableJson(json);
    assert.doesNotMatch(escaped.replaceAll('\n', ''), ACTIVE);
    assert.deepEqual(JSON.parse(escaped), value);
  });
});

describe('quote', () => {
  it('quotes short text whole, escaped', () => {
    assert.equal(quote('desk\x1b[2Jtop = 1'), '"desk\\x1b[2Jtop = 1"');
  });

  it('cuts long input and says how long it was', () => {
    const text = quote('a'.repeat(30_000_000));
    assert.ok(text.length < QUOTE_MAX + 40, text);
    assert.match(text, /^"a+\.\.\." \(30000000 characters\)$/);
  });

  it('never cuts a character in half', () => {
    assert.doesNotMatch(quote(`${'a'.repeat(QUOTE_MAX - 1)}😀😀`), /[\uD800-\uDBFF]\.\.\./);
  });
});

describe('printableStream', () => {
  it('passes a log through with its line breaks, escapes the rest, and decodes characters split across chunks', async () => {
    const smile = Buffer.from('😀');
    const chunks = [Buffer.from('line one\n\x1b]0;x\x07'), smile.subarray(0, 2), Buffer.concat([smile.subarray(2), Buffer.from('\nend\n')])];
    let out = '';
    for await (const piece of Readable.from(chunks).pipe(printableStream())) out += String(piece);
    assert.equal(out, 'line one\n\\x1b]0;x\\x07😀\nend\n');
  });
});
