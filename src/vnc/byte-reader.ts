import type { Readable } from 'node:stream';

/**
 * Exact-length reads from a stream, for a handshake: each read waits for
 * its n bytes, and fails once the stream ends or errs. `release` hands back
 * whatever arrived beyond the last read, with the stream paused, so that a
 * relay that starts next loses and reorders nothing.
 */
export interface ByteReader {
  read(n: number): Promise<Buffer>;
  release(): Buffer;
}

export function byteReader(stream: Readable, name: string): ByteReader {
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
