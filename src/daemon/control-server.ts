import { chmod, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { logger, type Level } from '../log.js';
import { encode, errorMessage, lineSplitter, type Log, type Message, type Request, type Result } from './protocol.js';
import { parseRequest } from './parse-request.js';

/** A daemon's entry: its handle(), which dispatches each op to the handler typed for it. */
export type Handler = (request: Request, log: Log, gone?: AbortSignal) => Promise<Result>;

function send(socket: Socket, message: Message): void {
  if (!socket.destroyed && socket.writable) socket.write(encode(message));
}

/**
 * A start whose client went away before hearing the answer is undone: the
 * client has given up (and said so), so a desktop nobody knows of must not
 * be left running. Anything else is finished: a kill half done would be worse.
 */
async function rollBack(request: Request, result: Result, handler: Handler): Promise<void> {
  if (request.op !== 'start' || Array.isArray(result) || !('display' in result)) return;
  const { display } = result;
  logger.warn(`the client of the start of :${display} went away before the answer; ending :${display} again`);
  await handler({ op: 'kill', target: display, clean: false }, () => undefined)
    .catch((error: Error) => logger.error(`cannot end :${display}: ${error.message}`));
}

function serveConnection(socket: Socket, handler: Handler): void {
  let answered = false;
  const gone = new AbortController();
  socket.on('error', () => socket.destroy());
  socket.once('close', () => gone.abort());
  const onData = lineSplitter((line) => {
    if (answered) return;
    answered = true;
    socket.off('data', guarded);
    const log = (level: Level, message: string) => send(socket, { type: 'log', level, message });
    // At once, before any work: the client tells a daemon that is busy from one that is wedged (stopped, or hung).
    send(socket, { type: 'accepted', pid: process.pid });
    let request: Request;
    Promise.resolve()
      .then(() => handler(request = parseRequest(line), log, gone.signal))
      .then(async (result) => {
        if (gone.signal.aborted) await rollBack(request, result, handler);
        else send(socket, { type: 'result', result });
      }, (error: unknown) => send(socket, errorMessage(error)))
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

function serve(handler: Handler): Server {
  return createServer((socket) => serveConnection(socket, handler));
}

function listening(server: Server, target: string | { fd: number }): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(target, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Listens on `path` with mode 0600; the caller has made sure no live daemon owns it. */
export async function listenControl(path: string, handler: Handler): Promise<Server> {
  await unlink(path).catch(() => undefined);
  const server = await listening(serve(handler), path);
  await chmod(path, 0o600);
  return server;
}

/** Serves a listening socket someone else bound and passed down (the system daemon, for a user's daemon). */
export function serveControlFd(fd: number, handler: Handler): Promise<Server> {
  return listening(serve(handler), { fd });
}
