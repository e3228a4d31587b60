import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newToken, tokenMatches } from '../../src/web/token.js';

describe('tokens', () => {
  it('are 256 random bits in URL-safe text, a new one each time', () => {
    const a = newToken();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, newToken());
  });

  it('match only themselves', () => {
    const token = newToken();
    assert.equal(tokenMatches(token, token), true);
    for (const wrong of [null, undefined, '', token.slice(0, -1), `${token}x`, token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase(), ` ${token}`]) {
      assert.equal(tokenMatches(wrong, token), false, `${JSON.stringify(wrong)} must not match`);
    }
  });

  it('never match when none was set', () => {
    assert.equal(tokenMatches('', ''), false);
    assert.equal(tokenMatches(null, ''), false);
  });
});
