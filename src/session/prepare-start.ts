import { readFile } from 'node:fs/promises';
import { TsvncError } from '../errors.js';
import { webPort } from '../display/display-number.js';
import { newToken } from '../web/token.js';
import { userInfo } from 'node:os';
import { parseSessionsFile, SESSIONS_FILE } from '../system/sessions-file.js';
import type { Config } from '../config/schema.js';
import { loadLayers, userConfigPath } from '../config/load-config.js';
import type { StartRequest } from '../daemon/protocol.js';
import { parseDisplay } from '../display/display-number.js';
import type { Level } from '../log.js';
import { homeOf, ownEnv, rfbPasswordPath, rfbSocketPath, type StatePaths } from '../state/state-dir.js';
import { checkPasswdFile, passwdFilePath } from '../vnc/passwd-file.js';
import { applyConfig } from './apply-config.js';
import type { AllocationRequest } from './allocate-display.js';
import { findServer } from './find-server.js';
import { checkUmask } from './spawn-detached.js';
import type { SessionOptions } from '../model/session-record.js';
import { chooseSessionProgram } from './session-program.js';
import { checkWebPortApart, resolveOptions } from './start-options.js';
import { parsePort, usesPasswdFile } from '../model/option-validators.js';
import { checkCertificateFiles, cleartextWarning, needsCertificate } from './security-options.js';
import { generatedPair } from '../web/certificate.js';
import { dirname } from 'node:path';

export interface Prepared {
  /** The request with the configuration layers applied. */
  req: StartRequest;
  /** The pair the server's X509 types get from tsvnc, and whether it is the generated one (made by the start, never by a dry run). */
  x509?: { cert: string; key: string; generated: boolean };
  config: Config;
  home: string;
  binary: string;
  xstartup: string | null;
  heldFor: Map<number, string>;
}

/**
 * Everything a start judges before a display is chosen, shared by the
 * daemon's start and `start --dry-run` so the plan shows what a start runs.
 */
export async function prepareStart(asked: StartRequest, log: (level: Level, message: string) => void): Promise<Prepared> {
  if (asked.display !== undefined) parseDisplay(String(asked.display));
  if (asked.umask !== undefined) checkUmask(asked.umask);
  const given = { ...asked, env: ownEnv(asked.env) };
  const { request: req, config, warnings } = applyConfig(given, await loadLayers(given.env));
  for (const warning of warnings) log('warn', warning);
  const home = homeOf(req.env);
  const checked = resolveOptions(req, req.display ?? 0, '', null, config.restart);
  const clear = cleartextWarning(checked);
  if (clear !== null) log('warn', clear);
  const binary = await findServer(req.env);
  // With one-time passwords only, no viewer gives the user's password: the server's socket has tsvnc's own.
  if (usesPasswdFile(checked.securityTypes) && req.otp !== 'only') await checkPasswdFile(checked.passwordFile ?? passwdFilePath(home));
  await checkCertificateFiles(checked.securityTypes, req.extraArgs, home);
  const xstartup = await chooseSessionProgram(req, home);
  const x509 = needsCertificate(checked.securityTypes, req.extraArgs) ? userCertificate(config, req.env) : undefined;
  return { req, config, home, binary, xstartup, heldFor: await othersDesktops(log), ...(x509 ? { x509 } : {}) };
}

/** The user's certificate: web-cert and web-key when configured, else the one tsvnc makes once in the user's configuration directory. */
function userCertificate(config: Config, env: NodeJS.ProcessEnv): { cert: string; key: string; generated: boolean } {
  const configured = configuredCertificate(config);
  if (configured.cert !== undefined && configured.key !== undefined) return { cert: configured.cert, key: configured.key, generated: false };
  return { ...generatedPair(certificateDir(env)), generated: true };
}

export function certificateDir(env: NodeJS.ProcessEnv): string {
  return dirname(userConfigPath(env));
}

/**
 * Displays /etc/tsvnc/sessions gives to other users: a start that picks a
 * display passes them over, so it never takes one whose owner's desktop is
 * down or restarting.
 */
async function othersDesktops(log: (level: Level, message: string) => void): Promise<Map<number, string>> {
  const text = await readFile(SESSIONS_FILE, 'utf8').catch(() => '');
  try {
    const me = userInfo().username;
    return new Map(parseSessionsFile(text).filter((e) => e.user !== me).map((e) => [e.display, `${SESSIONS_FILE} gives it to ${e.user}`]));
  } catch (error) {
    log('warn', `ignoring ${SESSIONS_FILE}: ${(error as Error).message}`);
    return new Map();
  }
}

/** What choosing the display needs from the request: probed on the addresses and port the server will use. */
export function allocationFor(p: Prepared): Pick<AllocationRequest, 'requested' | 'probe' | 'config' | 'heldFor'> {
  const { req } = p;
  return {
    requested: req.display,
    probe: {
      localhost: req.localhost ?? true, listenTcp: false, ...(req.rfbPort === undefined ? {} : { rfbPort: req.rfbPort }),
      // Its web port is part of a display being free: a busy one passes the display over, saying why.
      ...(req.web ? { web: req.webPort === undefined ? {} : { port: req.webPort } } : {}),
    },
    config: p.config,
    heldFor: p.heldFor,
  };
}

/** The options once the display is known (its port and desktop name depend on it). */
export function sessionOptions(p: Prepared, display: number, host: string, paths: Pick<StatePaths, 'dir'>): SessionOptions {
  const resolved = resolveOptions(p.req, display, `${host}:${display} (${userInfo().username})`, p.xstartup, p.config.restart);
  if (p.req.webPort !== undefined) checkWebPortApart(p.req.webPort, resolved.rfbPort);
  return {
    ...resolved,
    logRotation: { maxBytes: p.config.logMaxBytes, keep: p.config.logKeep },
    ...(p.req.umask === undefined ? {} : { umask: p.req.umask }),
    ...(p.req.web ? { web: { port: p.req.webPort === undefined ? webPort(display) : parsePort(p.req.webPort, '--web-port'), token: newToken(), ...configuredCertificate(p.config) } } : {}),
    ...(p.x509 ? { x509: { cert: p.x509.cert, key: p.x509.key } } : {}),
    ...(p.req.otp === 'yes' || p.req.otp === 'only'
      ? { otp: { only: p.req.otp === 'only', socket: rfbSocketPath(paths, display), serverPasswordFile: rfbPasswordPath(paths, display) } }
      : {}),
  };
}

/** web-cert and web-key name a pair together, or neither does (the user's generated one is used). */
function configuredCertificate(config: Config): { cert?: string; key?: string } {
  const { webCert: cert, webKey: key } = config;
  if (cert === undefined && key === undefined) return {};
  if (cert === undefined || key === undefined) {
    throw new TsvncError('BAD_CONFIG', `web-${cert === undefined ? 'key' : 'cert'} is set but web-${cert === undefined ? 'cert' : 'key'} is not`, 'set both in tsvnc.conf, or neither to use the generated certificate');
  }
  return { cert, key };
}
