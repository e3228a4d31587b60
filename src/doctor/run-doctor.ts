import type { Config } from '../config/schema.js';
import { createProbeContext } from '../probe/probe-context.js';
import { displayRange, probeMany } from '../probe/probe-many.js';
import type { ProbeOptions, ProbeResult } from '../model/probe-result.js';
import { displayFindings, type OwnSessions } from './display-findings.js';
import { riskFindings } from './risk-findings.js';
import { fixStale, type FixOutcome } from './fix-stale.js';
import type { Finding, NameOf } from './finding.js';

const DEFAULT_SCAN: [number, number] = [1, 99];

export interface DoctorReport {
  displays: [number, number];
  elapsedMs: number;
  free: number[];
  held: number[];
  atRisk: number[];
  staleFiles: string[];
  findings: Finding[];
  fixed: FixOutcome[];
  results: ProbeResult[];
}

export interface DoctorRequest {
  display: number | null;
  fix: boolean;
  options: ProbeOptions;
  config: Config;
  nameOf: NameOf;
  /** The caller's tsvnc sessions: their servers are desktops, not errors. */
  own?: OwnSessions;
  /** Their daemon's pid: with one-time passwords it holds their VNC ports. */
  daemon?: number;
}

async function probeAll(request: DoctorRequest, displays: number[]) {
  const ctx = await createProbeContext(request.config);
  return { ctx, results: await probeMany(displays, request.options, ctx) };
}

export async function runDoctor(request: DoctorRequest): Promise<DoctorReport> {
  const started = performance.now();
  const [first, last] = request.display === null ? DEFAULT_SCAN : [request.display, request.display];
  const displays = displayRange(first, last);
  let { ctx, results } = await probeAll(request, displays);
  let fixed: FixOutcome[] = [];
  if (request.fix && results.some((r) => r.stale.some((s) => s.removable))) {
    fixed = await fixStale(results);
    ({ ctx, results } = await probeAll(request, displays));
  }
  const findings = [
    ...results.flatMap((r) => displayFindings(r, request.nameOf, request.own, request.daemon)),
    ...riskFindings(results, ctx.risks.ephemeral, request.display),
  ];
  return {
    displays: [first, last],
    elapsedMs: Math.round(performance.now() - started),
    free: results.filter((r) => r.free).map((r) => r.display),
    held: results.filter((r) => !r.free).map((r) => r.display),
    atRisk: results.filter((r) => r.risks.length > 0).map((r) => r.display),
    staleFiles: results.flatMap((r) => r.stale.map((s) => s.path)),
    findings,
    fixed,
    results,
  };
}
