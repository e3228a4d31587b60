import { watch } from 'node:fs';
import { constants } from 'node:fs';
import { open, rename, stat, type FileHandle } from 'node:fs/promises';
import { TsvncError } from '../errors.js';
import { openRegularNoFollow } from '../tmp/safe-tmp.js';
import { basename, dirname } from 'node:path';
import { DEFAULT_LOG_ROTATION, type LogRotation } from '../model/log-rotation.js';

/** Enough for the last screenful of any log while staying one small read. */
const TAIL_BYTES = 64 * 1024;
const CHUNK_BYTES = 64 * 1024;

/** Same name as vncserver uses, so existing habits and scripts keep working. */
export function sessionLogPath(home: string, host: string, display: number): string {
  return `${home}/.vnc/${host}:${display}.log`;
}

/**
 * Before a server writes to its log: a fresh start keeps the previous
 * session's log as name.log.1 (the reason it ended is often in it), a
 * restart appends unless the log has grown past its size limit. Returns
 * whether the log must be truncated instead (nothing is kept).
 */
export async function rotateLog(path: string, fresh: boolean, rotation: LogRotation = DEFAULT_LOG_ROTATION): Promise<boolean> {
  const size = (await stat(path).catch(orMissing))?.size ?? 0;
  if (size === 0 || (!fresh && size <= rotation.maxBytes)) return false;
  if (rotation.keep === 0) return true;
  // rename() replaces a symlink planted at a target name rather than following it.
  for (let n = rotation.keep - 1; n >= 1; n--) await rename(`${path}.${n}`, `${path}.${n + 1}`).catch(orMissing);
  await rename(path, `${path}.1`);
  return false;
}

/** For a `.catch` where a file that is not there is an answer, not a failure. */
function orMissing(error: unknown): null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return null;
  throw error;
}

/**
 * A log to read, or null when there is none. The session's user can put
 * anything at its name, and root's status reads it: never through a
 * symlink, never blocking on a FIFO, and only a regular file.
 */
async function openLog(path: string): Promise<FileHandle | null> {
  const opened = await openRegularNoFollow(path).catch(orMissing);
  if (opened === null || opened.kind === 'missing') return null;
  if (opened.kind === 'file') return opened.handle;
  if (opened.kind === 'unreadable') throw new TsvncError('NO_LOG', `cannot read the log ${path}: permission denied`, 'check its owner and mode');
  const what = opened.type === 'symlink' ? 'is a symlink, which tsvnc does not follow' : 'is not a regular file';
  throw new TsvncError('NO_LOG', `the log ${path} ${what}`, 'remove it; the next start writes a new log');
}

/**
 * A line of tsvnc's own in the session log, among the server's, in the
 * server's manner: appended (the server writes there too), to the log that
 * is there: never created, never through a symlink, never blocking on a
 * FIFO, only to a regular file of the caller's, and always on a line of its own.
 */
export async function appendToLog(path: string, line: string): Promise<void> {
  const file = await open(path, constants.O_RDWR | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const info = await file.stat();
    if (!info.isFile() || info.uid !== process.getuid?.()) throw new Error(`${path} is not a regular file of yours`);
    // The server writes a line's prefix and its text apart: on its own line even if it landed between them.
    const last = Buffer.alloc(1);
    const { bytesRead } = info.size > 0 ? await file.read(last, 0, 1, info.size - 1) : { bytesRead: 0 };
    await file.write(`${bytesRead === 1 && last[0] !== 0x0a ? '\n' : ''}${line}\n`);
  } finally {
    await file.close();
  }
}

export async function lastLines(path: string, count: number): Promise<string[]> {
  if (count <= 0) return [];
  const file = await openLog(path);
  if (!file) return [];
  try {
    const { size } = await file.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
    const lines = buffer.toString('utf8', 0, bytesRead).split('\n');
    if (lines.at(-1) === '') lines.pop();
    // A window that starts mid-file starts mid-line: that fragment would mislead.
    if (start > 0 && lines.length > 1) lines.shift();
    return lines.slice(-count);
  } finally {
    await file.close();
  }
}

/** The lines written at or after byte `offset` (at most the last 64 KiB of them). */
export async function linesSince(path: string, offset: number): Promise<string[]> {
  const file = await openLog(path);
  if (!file) return [];
  try {
    const { size } = await file.stat();
    const start = Math.max(offset, size - TAIL_BYTES);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8', 0, bytesRead).split('\n').filter((line) => line !== '');
  } finally {
    await file.close();
  }
}

/**
 * Like `tail -F`: follows the path, not the first file found there, because a
 * restarted session recreates its log. A truncation followed by writes past
 * the old end before the next wake-up goes unnoticed, as with tail.
 */
export async function followFile(
  path: string, from: number, write: (chunk: Buffer) => void, signal: AbortSignal,
): Promise<void> {
  let file: FileHandle | undefined;
  let ino = 0;
  let position = from;
  let opened = false;

  async function drain(handle: FileHandle): Promise<void> {
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      write(buffer.subarray(0, bytesRead));
    }
  }

  async function catchUp(): Promise<void> {
    const current = await stat(path).catch(orMissing);
    if (file && current?.ino !== ino) {
      // Lines the old server wrote just before the file was replaced still count.
      await drain(file);
      await file.close();
      file = undefined;
    }
    if (!current) return;
    if (!file) {
      const handle = await open(path, 'r').catch(orMissing);
      if (!handle) return;
      file = handle;
      ino = (await file.stat()).ino;
      if (opened) position = 0;
      opened = true;
    }
    if ((await file.stat()).size < position) position = 0;
    await drain(file);
  }

  // The directory, not the file: only it sees the log being deleted and recreated.
  // The watch exists before the first read, so no write can fall between them.
  const name = basename(path);
  let dirty = true;
  let failure: unknown;
  let wake = (): void => {};
  const watcher = watch(dirname(path), (_event, changed) => {
    if (changed === null || changed === name) {
      dirty = true;
      wake();
    }
  });
  watcher.on('error', (error) => {
    failure = error;
    wake();
  });
  const onAbort = (): void => wake();
  signal.addEventListener('abort', onAbort);
  try {
    while (!signal.aborted) {
      if (failure !== undefined) throw failure;
      if (dirty) {
        dirty = false;
        await catchUp();
      } else {
        await new Promise<void>((resolve) => { wake = resolve; });
      }
    }
  } finally {
    watcher.close();
    signal.removeEventListener('abort', onAbort);
    await file?.close();
  }
}
