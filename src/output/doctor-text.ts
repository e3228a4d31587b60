import type { DoctorReport } from '../doctor/run-doctor.js';
import { compressDisplays } from '../doctor/risk-findings.js';

const MARK = { error: 'error', warning: 'warning', info: 'note' } as const;

export function doctorText(report: DoctorReport, single: boolean): string[] {
  const lines: string[] = [];
  const [first, last] = report.displays;
  if (single) {
    lines.push(`:${first} is ${report.free.length === 1 ? 'free' : 'taken'}.`);
  } else {
    const held = report.held.length > 0 ? `, ${report.held.length} taken (${compressDisplays(report.held)})` : '';
    lines.push(`Checked :${first}-:${last} in ${report.elapsedMs} ms: ${report.free.length} free${held}, ${report.staleFiles.length} stale file(s), ${report.atRisk.length} at risk.`);
  }
  for (const outcome of report.fixed) lines.push(`${outcome.removed ? 'fixed' : 'not fixed'}: ${outcome.message}`);
  for (const finding of report.findings) {
    lines.push(`${MARK[finding.severity]}: ${finding.message}`);
    lines.push(`  fix: ${finding.fix}`);
  }
  if (report.findings.length === 0) lines.push('Nothing to report.');
  return lines;
}
