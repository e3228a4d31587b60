import { constants } from 'node:fs';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import lockfile from 'proper-lockfile';
import type { SessionRecord } from '../session/session-record.js';
import { removeIfPresent } from '../tmp/safe-tmp.js';
import { logger } from '../log.js';

const LOCK_OPTIONS = { realpath: false, stale: 5000, retries: { retries: 20, minTimeout: 5, maxTimeout: 100, randomize: true } };

/**
 * Session state as one small JSON file per display. A write is a complete
 * temp file renamed into place, so a reader or a crash never sees half of
 * one; proper-lockfile keeps two writers (a daemon and its successor during a
 * hand-over) from interleaving.
 */
export class SessionStore {
  constructor(private readonly dir: string) {}

  private path(display: number): string {
    return `${this.dir}/${display}.json`;
  }

  async save(record: SessionRecord): Promise<void> {
    const path = this.path(record.display);
    const release = await lockfile.lock(path, LOCK_OPTIONS);
    try {
      const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(record, null, 2)}\n`);
        await handle.close();
        await rename(temp, path);
      } catch (error) {
        await handle.close().catch(() => undefined);
        await unlink(temp).catch(() => undefined);
        throw error;
      }
    } finally {
      await release();
    }
  }

  async remove(display: number): Promise<void> {
    const path = this.path(display);
    const release = await lockfile.lock(path, LOCK_OPTIONS);
    try {
      await removeIfPresent(path);
    } finally {
      await release();
    }
  }

  async loadAll(): Promise<SessionRecord[]> {
    const names = (await readdir(this.dir)).filter((name) => /^\d+\.json$/.test(name));
    const records: SessionRecord[] = [];
    for (const name of names) {
      try {
        const record = JSON.parse(await readFile(`${this.dir}/${name}`, 'utf8')) as SessionRecord | null;
        if (typeof record !== 'object' || record === null || `${record.display}.json` !== name) throw new Error('not a session record');
        records.push(record);
      } catch (error) {
        logger.warn(`ignoring unreadable session state ${this.dir}/${name}: ${(error as Error).message}`);
      }
    }
    return records.sort((a, b) => a.display - b.display);
  }
}
