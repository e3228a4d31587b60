import { chmod, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { Level } from '../log.js';
import { encode, errorMessage, lineSplitter, parseRequest, type Message, type Request } from './protocol.js';

export type Handler = (request: Request, log: (level: Level, message: string) => void) => Promise<unknown>;

function send(socket: Socket, message: Message): void {
  if (!socket.destroyed) socket.write(encode(message));
}

function serveConnection(socket: Socket, handler: Handler): void {
  let answered = false;
  socket.on('error', () => socket.destroy());
  const onData = lineSplitter((line) => {
    if (answered) return;
    answered = true;
    socket.off('data', guarded);
    const log = (level: Level, message: string) => send(socket, { type: 'log', level, message });
    // A client that hangs up does not cancel the work: a half-started session would be worse.
    Promise.resolve()
      .then(() => handler(parseRequest(line), log))
      .then((result) => send(socket, { type: 'result', result: result ?? null }), (error: unknown) => send(socket, errorMessage(error)))
      .finally(() => socket.end());
  });
  const guarded = (chunk: Buffer) => {
    try {
      onData(chunk);
    } catch {
      socket.destroy();
    }
  };
  socket.on('data', guarded);
}

/** Listens on `path` with mode 0600; the caller has made sure no live daemon owns it. */
export async function listenControl(path: string, handler: Handler): Promise<Server> {
  await unlink(path).catch(() => undefined);
  const server = createServer((socket) => serveConnection(socket, handler));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(path, 0o600);
  return server;
}
