// Ten desktops started at once each merge their cookie into the one
// ~/.Xauthority. xauth's own lock retries every 2 s, so ten colliding xauth
// would take seconds; tsvnc chains its calls per file (src/xauth/file-queue.ts)
// and they run back to back.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rounds, scenario } from '../lib/tools.mjs';

const dist = `${process.env.TSVNC_ROOT}/dist/src/xauth`;

await scenario(async ({ rows }) => {
  const { addToUserXauthority } = await import(`${dist}/user-xauthority.js`);
  const { cookieEntries, newCookie, writeAuthFile } = await import(`${dist}/xauth-file.js`);
  const merges = [];
  rows.push({ id: 'xauth-10', measure: 'ten concurrent cookie merges into one Xauthority', unit: 'ms', tsvnc: merges });
  for (const _ of rounds()) {
    const dir = await mkdtemp(join(tmpdir(), 'bench-xauth-'));
    const authFiles = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const authFile = join(dir, `auth-${i + 1}`);
        await writeAuthFile(authFile, cookieEntries('bench-host', i + 1, newCookie()));
        return authFile;
      }),
    );
    const t0 = performance.now();
    await Promise.all(authFiles.map((authFile) => addToUserXauthority(join(dir, '.Xauthority'), authFile)));
    merges.push(performance.now() - t0);
    await rm(dir, { recursive: true, force: true });
  }
});
