import { it } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { hostNames } from '../../src/web/host-names.js';

it("names localhost, the host's name and the loopback addresses, in bounded time", async () => {
  const started = Date.now();
  const names = await hostNames();
  assert.ok(Date.now() - started < 3000);
  assert.deepEqual(names.dns.slice(0, 2), ['localhost', hostname()].filter((n, i, all) => all.indexOf(n) === i));
  assert.deepEqual(names.ips, ['127.0.0.1', '::1']);
  for (const name of names.dns) assert.match(name, /^[A-Za-z0-9.-]+$/);
});
