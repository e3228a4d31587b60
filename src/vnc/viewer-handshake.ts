import { randomBytes } from 'node:crypto';
import { TsvncError } from '../errors.js';
import { readVersion, refuseClient, u32, VERSION, withReason, type Read, type Write } from './rfb-handshake.js';

/**
 * The server's half of the RFB 3.8 security handshake, for tsvnc's own VNC
 * listener (vnc-proxy.ts): VNC authentication, plain or inside VeNCrypt's
 * X509Vnc TLS. It learns the viewer's answer to a challenge; what the
 * answer is worth is the caller's to judge, and so is the security result,
 * which waits until the server behind has let tsvnc in.
 */
export type ViewerType = 'VncAuth' | 'X509Vnc';

/** The connection to the viewer as the handshake sees it; X509Vnc moves it into TLS halfway. */
export interface ViewerLink {
  read: Read;
  write: Write;
  startTls(): Promise<ViewerLink>;
}

const TYPE_NUMBER: Record<ViewerType, number> = { VncAuth: 2, X509Vnc: 19 };
const X509_VNC = 261;

function viewerError(message: string): TsvncError {
  return new TsvncError('BAD_ARGUMENT', message, 'the viewer must speak RFB 3.8 with VncAuth, or VeNCrypt X509Vnc');
}

/**
 * Greets the viewer, offers `offer` in that order, and returns the
 * challenge sent and the viewer's response, on the link the rest of the
 * connection uses; `onChallenge` runs once the challenge is sent.
 * `refusal` refuses it with that reason instead, before any type is
 * offered (as Xtigervnc does an address it blacklisted).
 */
export async function challengeViewer(
  link: ViewerLink, offer: readonly ViewerType[], refusal?: string, onChallenge?: () => void,
): Promise<{ link: ViewerLink; challenge: Buffer; response: Buffer }> {
  if (refusal !== undefined) {
    await refuseClient(link.read, link.write, refusal, 'the viewer');
    throw viewerError(refusal);
  }
  link.write(VERSION);
  await readVersion(link.read, 'the viewer');
  link.write(Buffer.from([offer.length, ...offer.map((type) => TYPE_NUMBER[type])]));
  const chosen = (await link.read(1))[0];
  const type = offer.find((t) => TYPE_NUMBER[t] === chosen);
  if (type === undefined) throw viewerError(`the viewer chose security type ${chosen}, which was not offered`);
  const inner = type === 'X509Vnc' ? await veNCrypt(link) : link;
  const challenge = randomBytes(16);
  inner.write(challenge);
  // From here the viewer may be asking a person for the password.
  onChallenge?.();
  return { link: inner, challenge, response: await inner.read(16) };
}

/** VeNCrypt 0.2 with X509Vnc alone: the viewer checks the certificate; VNC authentication follows inside TLS. */
async function veNCrypt(link: ViewerLink): Promise<ViewerLink> {
  link.write(Buffer.from([0, 2]));
  const [major, minor] = await link.read(2);
  if (major !== 0 || minor !== 2) {
    link.write(Buffer.from([1]));
    throw viewerError(`the viewer speaks VeNCrypt ${major}.${minor}, not 0.2`);
  }
  link.write(Buffer.concat([Buffer.from([0, 1]), u32(X509_VNC)]));
  const chosen = (await link.read(4)).readUInt32BE(0);
  if (chosen !== X509_VNC) {
    link.write(Buffer.from([0]));
    throw viewerError(`the viewer chose VeNCrypt subtype ${chosen}, not the X509Vnc offered`);
  }
  link.write(Buffer.from([1]));
  return link.startTls();
}

/** The security result: in, or refused with a reason the viewer shows. */
export function answerViewer(write: Write, refusal?: string): void {
  write(refusal === undefined ? u32(0) : Buffer.concat([u32(1), withReason(refusal)]));
}
