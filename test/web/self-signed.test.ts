import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import { serialNumber } from '../../src/web/self-signed.js';

describe("the generated certificate's serial number", () => {
  it('is a positive DER INTEGER in its shortest form whatever the random bytes are', () => {
    for (const first of [0x00, 0x01, 0x7f, 0x80, 0xff]) {
      for (const second of [0x00, 0x7f, 0x80, 0xff]) {
        const random = Uint8Array.from([first, second, ...Array<number>(14).fill(0x42)]);
        const serial = serialNumber(random);
        assert.equal(serial.length, 16);
        assert.ok((serial[0] ?? 0) >= 0x01 && (serial[0] ?? 0) <= 0x7f, `first byte ${serial[0]} from ${first}`);
        assert.deepEqual(serial.subarray(1), random.subarray(1), 'the rest is as random as given');
        const der = new Uint8Array(new asn1js.Integer({ valueHex: serial }).toBER(false));
        assert.equal(der.length, 2 + 16, 'no padding byte, no sign byte');
      }
    }
  });
});
