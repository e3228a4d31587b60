import { TsvncError } from '../errors.js';
import { QUOTE_MAX, quote } from '../output/printable.js';
import type { StartRequest } from '../daemon/protocol.js';
import { mergeConfig, type Config } from '../config/schema.js';
import { MANDATORY_CONFIG, type ConfigLayers } from '../config/load-config.js';

export interface Applied {
  request: StartRequest;
  /** Every layer merged: reserved displays, range, restart defaults, log rotation. */
  config: Config;
  /** Command-line values the admin's mandatory file overrode. */
  warnings: string[];
}

/** Session settings a start can give, with the option that gives each and its config key. */
const FIELDS = [
  ['geometry', '--geometry', 'geometry'],
  ['depth', '--depth', 'depth'],
  ['desktop', '--desktop', 'desktop'],
  ['securityTypes', '--security-types', 'security-types'],
  ['localhost', '--localhost', 'localhost'],
  ['autokill', '--autokill', 'autokill'],
  ['web', '--web', 'web'],
  ['otp', '--otp', 'otp'],
] as const;

const RESTART = [
  ['mode', 'restart', '--restart', 'restart'],
  ['limit', 'restartLimit', '--restart-limit', 'restart-limit'],
  ['windowSeconds', 'restartWindow', '--restart-window', 'restart-window'],
] as const;

function shown(value: unknown): string {
  return typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
}

/** As the warning shows a value: as typed, unless it is too long to echo. */
function brief(value: unknown): string {
  const text = shown(value);
  return text.length > QUOTE_MAX ? quote(text) : text;
}

/**
 * The layers around the command line: what it leaves out comes from the
 * configuration files, and what /etc/tsvnc/mandatory.conf sets wins over
 * it, with a warning so nobody wonders why their option did nothing.
 */
export function applyConfig(req: StartRequest, layers: ConfigLayers): Applied {
  const { base, mandatory } = layers;
  const config = mergeConfig(base, mandatory);
  const warnings: string[] = [];
  const overridden = (option: string, given: unknown, key: string, value: unknown) => {
    if (given !== undefined && shown(given) !== shown(value)) warnings.push(`${option} ${brief(given)} ignored: ${MANDATORY_CONFIG} sets ${key} = ${brief(value)}`);
  };
  const request: StartRequest = { ...req };
  for (const [field, option, key] of FIELDS) {
    const forced = mandatory[field];
    if (forced !== undefined) overridden(option, req[field], key, forced);
    const value = forced ?? req[field] ?? base[field];
    if (value !== undefined) Object.assign(request, { [field]: value });
  }
  for (const [field, reqField, option, key] of RESTART) {
    const forced = mandatory.restart?.[field];
    if (forced === undefined) continue;
    overridden(option, req[reqField], key, forced);
    Object.assign(request, { [reqField]: forced });
  }
  delete request.xstartup;
  delete request.session;
  Object.assign(request, sessionProgram(req, base, mandatory, warnings));
  request.extraArgs = [...(base.serverArgs ?? []), ...req.extraArgs, ...(mandatory.serverArgs ?? [])];
  const [low, high] = config.displayRange;
  if (req.display !== undefined && (req.display < low || req.display > high)) {
    throw new TsvncError('BAD_ARGUMENT', `:${req.display} is outside the displays tsvnc may use (:${low} to :${high})`, `pick a display in that range, or leave it out; display-range in tsvnc.conf sets it`);
  }
  return { request, config, warnings };
}

type Program = Pick<StartRequest, 'xstartup' | 'noXstartup' | 'session'>;

function fromLayer(layer: Partial<Config>): Program | undefined {
  if (layer.xstartup === null) return { noXstartup: true };
  if (layer.xstartup !== undefined) return { xstartup: layer.xstartup, noXstartup: false };
  if (layer.session !== undefined) return { session: layer.session, noXstartup: false };
  return undefined;
}

/** --xstartup and --no-xstartup against the xstartup and session keys. */
function sessionProgram(req: StartRequest, base: Config, mandatory: Partial<Config>, warnings: string[]): Program {
  const given = req.noXstartup || req.xstartup !== undefined || req.session !== undefined;
  const forced = fromLayer(mandatory);
  if (forced) {
    if (given) warnings.push(`${req.noXstartup ? '--no-xstartup' : '--xstartup'} ignored: ${MANDATORY_CONFIG} sets the session program`);
    return forced;
  }
  if (given) return { noXstartup: req.noXstartup, ...(req.xstartup === undefined ? {} : { xstartup: req.xstartup }), ...(req.session === undefined ? {} : { session: req.session }) };
  return fromLayer(base) ?? { noXstartup: false };
}
