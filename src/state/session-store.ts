import { constants } from 'node:fs';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import type { SessionRecord } from '../model/session-record.js';
import { validateRecord } from '../model/validate-record.js';
import { removeIfPresent } from '../tmp/safe-tmp.js';
import { TsvncError } from '../errors.js';

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
    await this.write(path, record).catch((error: unknown) => {
      throw unwritable(path, error);
    });
  }

  private async write(path: string, record: SessionRecord): Promise<void> {
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
      await removeIfPresent(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EISDIR') throw error;
        throw new TsvncError('UNSAFE_PATH', `${path} is a directory, not a session record`, `look inside, then remove it: rm -r ${path}`);
      });
    } finally {
      await release();
    }
  }

  /** Every session file: the valid records, and each damaged one with what is wrong, so one bad file never hides the others. */
  async loadAll(): Promise<{ records: SessionRecord[]; damaged: DamagedRecord[] }> {
    const names = (await readdir(this.dir)).filter((name) => /^\d+\.json$/.test(name));
    const records: SessionRecord[] = [];
    const damaged: DamagedRecord[] = [];
    for (const name of names) {
      const display = Number(name.slice(0, -5));
      const path = `${this.dir}/${name}`;
      const checked = await readFile(path, 'utf8').then(
        (text) => validateRecord(JSON.parse(text), display),
        (error: Error) => ({ problem: error.message }),
      ).catch((error: Error) => ({ problem: error.message }));
      if ('record' in checked) records.push(checked.record);
      else damaged.push({ display, path, problem: checked.problem });
    }
    return { records: records.sort((a, b) => a.display - b.display), damaged };
  }
}

export interface DamagedRecord {
  display: number;
  path: string;
  problem: string;
}

/** A full or read-only file system under the state directory, said with the path and what to do. */
export function unwritable(path: string, error: unknown): TsvncError {
  if (error instanceof TsvncError) return error;
  const e = error as NodeJS.ErrnoException;
  const why = e.code === 'ENOSPC' ? 'no space left on its file system' : e.code === 'EDQUOT' ? 'disk quota exceeded' : e.code === 'EROFS' ? 'its file system is read-only' : e.message;
  return new TsvncError('STATE_WRITE_FAILED', `cannot write ${path}: ${why}`, `free space there (df -h ${dirname(path)}), or set TSVNC_STATE_DIR to a directory on another file system`, { cause: error });
}
