import type { Readable } from 'node:stream';

/**
 * Exact-length reads from a stream, for a handshake: each read waits for
 * its n bytes, and fails once the stream ends or errs. `release` hands back
 * whatever arrived beyond the last read, with the stream paused, so that a
 * relay that starts next loses and reorders nothing. A peer that sends
 * far more than a handshake needs fails it instead of filling memory.
 */
export interface ByteReader {
  read(n: number): Promise<Buffer>;
  release(): Buffer;
}

/** A handshake reads tens of bytes; more than this unread is a peer flooding it, from before it proved anything. */
const MAX_PENDING = 64 * 1024;

export function byteReader(stream: Readable, name: string, maxPending = MAX_PENDING): ByteReader {
  let pending: Buffer = Buffer.alloc(0);
  let failure: Error | undefined;
  const waiting: Array<{ n: number; resolve: (bytes: Buffer) => void; reject: (error: Error) => void }> = [];
  const pump = () => {
    while (waiting[0] && pending.length >= waiting[0].n) {
      const { n, resolve } = waiting.shift()!;
      resolve(pending.subarray(0, n));
      pending = pending.subarray(n);
    }
    if (failure) for (const { reject } of waiting.splice(0)) reject(failure);
  };
  const onData = (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    if (pending.length > maxPending) {
      failure ??= new Error(`${name} sent more than ${maxPending} bytes during the handshake`);
      pending = Buffer.alloc(0);
      stream.destroy();
    }
    pump();
  };
  const onEnd = () => {
    failure ??= new Error(`${name} closed the connection`);
    pump();
  };
  const onError = (error: Error) => {
    failure ??= new Error(`${name}: ${error.message}`);
    pump();
  };
  stream.on('data', onData);
  stream.on('end', onEnd);
  stream.on('close', onEnd);
  stream.on('error', onError);
  return {
    read(n) {
      return new Promise((resolve, reject) => {
        waiting.push({ n, resolve, reject });
        pump();
      });
    },
    release() {
      stream.pause();
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
      const rest = pending;
      pending = Buffer.alloc(0);
      return rest;
    },
  };
}
