import type { Duplex } from 'node:stream';
import { createWebSocketStream, type WebSocket } from 'ws';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { byteReader } from '../vnc/byte-reader.js';
import { acceptBrowser, refuseClient } from '../vnc/rfb-handshake.js';
import { loginToDesktop, splice, type DesktopConnection, type DesktopTarget } from '../vnc/desktop-login.js';

/** The desktop as the gateway reaches it: its password read for each browser, as the server reads its file for each login (a `tsvnc passwd` counts at once). */
export type RelayTarget = Omit<DesktopTarget, 'password'> & { password: () => Promise<string> };

/** Bounds the connect to the desktop and both handshakes together. */
const HANDSHAKE_MS = 15_000;

/** Handshakes with both sides, then copies bytes both ways until either ends; the browser's loss or the server's ends both. */
export function relay(ws: WebSocket, from: string, target: RelayTarget, sessions: Set<() => void>): void {
  const browser = createWebSocketStream(ws);
  const streams: Duplex[] = [browser];
  const end = () => {
    sessions.delete(end);
    for (const stream of streams) stream.destroy();
  };
  sessions.add(end);
  browser.on('error', end).on('close', end);
  const timer = setTimeout(() => {
    logger.warn(`web: the connection from ${from} did not finish its handshake within ${HANDSHAKE_MS / 1000} s`);
    end();
  }, HANDSHAKE_MS);
  const fromBrowser = byteReader(browser, 'the browser');
  const write = (bytes: Buffer) => void browser.write(bytes);
  void (async () => {
    let desktop: DesktopConnection;
    try {
      desktop = await loginToDesktop({ ...target, password: await target.password() }, (stream) => streams.push(stream));
    } catch (error) {
      const why = error instanceof TsvncError ? error.message : `the desktop cannot be reached: ${(error as Error).message}`;
      logger.warn(`web: ${from}: ${why}`);
      await refuseClient(fromBrowser.read, write, why, 'the browser').catch(() => undefined);
      browser.end();
      return;
    }
    try {
      await acceptBrowser(fromBrowser.read, write);
    } catch (error) {
      logger.warn(`web: ${from}: ${(error as Error).message}`);
      end();
      return;
    }
    clearTimeout(timer);
    logger.info(`web: ${from} is connected to the desktop`);
    splice(browser, fromBrowser, desktop, end);
  })().finally(() => clearTimeout(timer));
}
