import type { StartPlan } from '../client-start/plan-start.js';
import { shellWord } from './shell-word.js';

/** `tsvnc start --dry-run`: the display and why lower ones were passed over, then what would run. */
export function planText(p: StartPlan): string[] {
  return [
    `Would start :${p.display} (VNC port ${p.rfbPort}${p.localhost ? ' on localhost' : ' on all addresses'})`,
    ...p.skipped.map((s) => `  skipped :${s.display}: ${s.reason}`),
    `  server   ${p.server.map(shellWord).join(' ')}`,
    `  session  ${p.sessionProgram ?? 'none (--no-xstartup)'}`,
    `  log      ${p.log}`,
    'Nothing was started (--dry-run).',
  ];
}
