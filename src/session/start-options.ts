import { TsvncError } from '../errors.js';
import { checkCertificate } from './security-options.js';
import { rfbPort } from '../display/display-number.js';
import type { StartRequest } from '../daemon/protocol.js';
import type { SessionOptions } from '../model/session-record.js';
import { DEFAULT_POLICY } from '../model/restart-policy.js';
import {
  DEFAULT_DEPTH, DEFAULT_GEOMETRY, MAX_COMMAND, checkExtraArgs, serverOptionName, parseDepth, parseDesktop, parseFilePath, parseGeometry, parseIdleTimeout, parsePort, parseRestart, parseSecurityTypes, plainText, usesPasswdFile,
} from '../model/option-validators.js';

/** Types that let anyone who reaches the port in without a secret. */
const UNAUTHENTICATED = new Set(['None', 'TLSNone', 'X509None']);

export function resolveOptions(req: StartRequest, display: number, desktopDefault: string, xstartup: string | null, restartDefaults = DEFAULT_POLICY): SessionOptions {
  const localhost = req.localhost ?? true;
  // Off localhost nothing crosses the network in the clear unless asked for: TLS with the user's certificate.
  const securityTypes = parseSecurityTypes(req.securityTypes ?? (localhost ? 'VncAuth' : 'X509Vnc'));
  const open = securityTypes.filter((t) => UNAUTHENTICATED.has(t));
  if (!localhost && open.length > 0 && !req.insecure) {
    throw new TsvncError(
      'INSECURE',
      `security type ${open.join(', ')} off localhost lets anyone who reaches the port take over the desktop`,
      'keep --localhost yes and tunnel over ssh, use VncAuth, or pass --insecure if the network is trusted',
    );
  }
  checkExtraArgs(req.extraArgs);
  checkCertificate(securityTypes, req.extraArgs);
  if (req.otp !== undefined && !['no', 'yes', 'only'].includes(req.otp)) throw new TsvncError('BAD_ARGUMENT', `otp ${req.otp} is not accepted`, 'give yes, no or only');
  if (req.otp === 'yes' || req.otp === 'only') checkOneTimePasswords(securityTypes, req.extraArgs);
  if (req.otp === 'only' && req.web === true) throw noWebWithOtpOnly();
  // Without a display the VNC port is known once one is chosen (prepare-start.ts checks again then).
  if (req.webPort !== undefined && (req.rfbPort !== undefined || req.display !== undefined)) checkWebPortApart(req.webPort, req.rfbPort ?? rfbPort(display));
  if (req.xstartup !== undefined) plainText('--xstartup', req.xstartup, MAX_COMMAND);
  const restart = parseRestart(req, restartDefaults);
  if (req.idleTimeout !== undefined && restart.mode === 'always') {
    throw new TsvncError('BAD_ARGUMENT', '--idle-timeout ends the desktop, and --restart always would start it again', 'use --restart on-failure (the default) or no with --idle-timeout');
  }
  return {
    geometry: parseGeometry(req.geometry ?? DEFAULT_GEOMETRY),
    depth: parseDepth(req.depth ?? DEFAULT_DEPTH),
    desktop: req.desktop === undefined ? desktopDefault : parseDesktop(req.desktop),
    localhost,
    securityTypes,
    rfbPort: req.rfbPort === undefined ? rfbPort(display) : parsePort(req.rfbPort),
    xstartup,
    autokill: req.autokill ?? true,
    extraArgs: req.extraArgs,
    restart,
    ...(req.passwordFile === undefined ? {} : { passwordFile: parseFilePath('--password-file', req.passwordFile) }),
    ...(req.logFile === undefined ? {} : { logFile: parseFilePath('--log-file', req.logFile) }),
    ...(req.idleTimeout === undefined ? {} : { idleTimeout: parseIdleTimeout(req.idleTimeout) }),
  };
}

export function checkWebPortApart(webPort: number, vncPort: number): void {
  if (webPort === vncPort) throw new TsvncError('BAD_ARGUMENT', `--web-port ${webPort} is the desktop's VNC port`, 'give the web gateway a port of its own, or leave out --web-port (5800+N)');
}

/** A browser URL lets its holder in again and again: a password that is not one-time. */
export function noWebWithOtpOnly(): TsvncError {
  return new TsvncError(
    'BAD_ARGUMENT',
    'a desktop with one-time passwords only cannot be served to browsers: its URL would let anyone who has it in again and again',
    'leave out --web (a portal\'s noVNC reaches the VNC port with a one-time password), or use --otp instead of --otp-only',
  );
}

/** What tsvnc's own VNC listener speaks: it checks the password itself, so the types that need the server's (Plain's PAM) or none are out. */
const OTP_TYPES = new Set(['VncAuth', 'X509Vnc']);

function checkOneTimePasswords(types: readonly string[], extraArgs: readonly string[]): void {
  const other = types.filter((t) => !OTP_TYPES.has(t));
  if (other.length > 0) {
    throw new TsvncError('BAD_ARGUMENT', `one-time passwords work with security types VncAuth and X509Vnc, not ${other.join(', ')}`, 'use --security-types VncAuth (on localhost) or X509Vnc, or leave out --otp');
  }
  const listener = extraArgs.find((arg) => /^rfbunix(path|mode)$/i.test(serverOptionName(arg) ?? ''));
  if (listener !== undefined) {
    throw new TsvncError('BAD_ARGUMENT', `the server option ${listener.split('=')[0]} is managed by tsvnc with --otp`, 'remove it: with one-time passwords the server listens on a socket of tsvnc\'s');
  }
}

/**
 * Whether a process's command line is one serverArgs builds (its first
 * options are tsvnc's, in tsvnc's order; vncserver never passes -displayfd).
 * A hint only: anyone can start a process with this command line.
 */
export function looksLikeTsvncServer(command: string): boolean {
  return /^(\S*\/)?(Xtigervnc|Xvnc) :\d+ -displayfd 3 -auth /.test(command);
}

/** The Xtigervnc command line: readiness on fd 3, the lock left to tsvnc. */
export function serverArgs(display: number, options: SessionOptions, authFile: string, passwdFile: string): string[] {
  const args = [
    `:${display}`,
    '-displayfd', '3',
    '-auth', authFile,
    '-desktop', options.desktop,
    '-geometry', options.geometry,
    '-depth', String(options.depth),
    // With one-time passwords the daemon owns the port and logs in to the server on its private socket with a password of its own.
    // Its own blacklist would see all of tsvnc's logins as one peer (the socket's path) and refuse them all; tsvnc blacklists each viewer's address itself.
    ...(options.otp
      ? ['-rfbport', '-1', '-rfbunixpath', options.otp.socket, '-rfbunixmode', '0600', '-localhost=1', '-SecurityTypes', 'VncAuth', '-PasswordFile', options.otp.serverPasswordFile, '-BlacklistTimeout', '0']
      : ['-rfbport', String(options.rfbPort), `-localhost=${options.localhost ? 1 : 0}`, '-SecurityTypes', options.securityTypes.join(',')]),
  ];
  if (!options.otp && usesPasswdFile(options.securityTypes)) args.push('-PasswordFile', options.passwordFile ?? passwdFile);
  if (options.x509 && !options.otp) args.push('-X509Cert', options.x509.cert, '-X509Key', options.x509.key);
  // The server ends itself (exit 0) once no viewer was connected for this long: an end, not a failure to restart.
  if (options.idleTimeout !== undefined) args.push('-MaxDisconnectionTime', String(options.idleTimeout));
  return [...args, ...options.extraArgs];
}
