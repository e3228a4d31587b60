import type { SessionOptions } from '../../src/model/session-record.js';

/** A desktop's options as a start with the defaults resolves them, for tests that need whole results. */
export function sessionOptions(overrides: Partial<SessionOptions> = {}): SessionOptions {
  return {
    geometry: '1920x1080', depth: 24, desktop: 'host:1 (u)', localhost: true, securityTypes: ['VncAuth'], rfbPort: 5901,
    xstartup: null, autokill: true, extraArgs: [], restart: { mode: 'on-failure', limit: 5, windowSeconds: 60 }, ...overrides,
  };
}
