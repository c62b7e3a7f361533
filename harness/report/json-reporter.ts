/**
 * `results.json` per run, the contract of DESIGN.md: exactly its keys, in its order, then the
 * optional additions declared in results.ts, nothing else (tools outside the project parse it).
 *
 * @example
 * const json = new JsonReporter({ redactor });
 * mux = new Multiplexer([json]); … await mux.onEnd(results);
 */
import type { RunInfo } from './events.ts';
import type { OutputDir } from './output-dir.ts';
import type { CheckResult, PhaseResult, RunResult } from './results.ts';
import { RunFileReporter } from './run-files.ts';

export const RESULTS_FILE = 'results.json';

export class JsonReporter extends RunFileReporter {
  readonly name = 'json';

  protected async writeRun(out: OutputDir, result: RunResult): Promise<void> {
    await writeResultsJson(out, result);
  }
}

/**
 * Writes results.json (redacted, 0600). The artifact list is taken from the folder when the
 * result does not carry one, so readers know what else is there.
 */
export async function writeResultsJson(out: OutputDir, result: RunResult, _info?: RunInfo): Promise<string> {
  let artifacts = result.artifacts;
  if (!artifacts) {
    const listed = await out.list();
    artifacts = [...new Set([...listed, RESULTS_FILE])].sort();
  }
  return out.writeJson(RESULTS_FILE, toContract({ ...result, artifacts }));
}

/** Picks the contract's fields in the contract's order, dropping unknown and undefined ones. */
export function toContract(r: RunResult): RunResult {
  const out: RunResult = {
    scenario: r.scenario,
    guest: r.guest,
    status: r.status,
    durationMs: Math.round(r.durationMs),
    accel: r.accel,
    phases: r.phases.map(phase),
    checks: r.checks.map(check),
  };
  copy(out, r, ['profile', 'kernel', 'startedAt', 'error', 'artifacts']);
  if (r.boots) out.boots = r.boots.map((b) => ({ index: b.index, label: b.label, serialLog: b.serialLog, startMs: b.startMs }));
  if (r.host) {
    const host: NonNullable<RunResult['host']> = {};
    copy(host, r.host, ['qemuVersion', 'hostname', 'platform']);
    out.host = host;
  }
  copy(out, r, ['outputDir']);
  if (r.checkpoint) out.checkpoint = { from: r.checkpoint.from, key: r.checkpoint.key, rebuilt: r.checkpoint.rebuilt };
  // Additions: the recipe's known gaps, the scenario's deviations, commands that failed as expected.
  if (r.knownGaps?.length) out.knownGaps = r.knownGaps.map((g) => ({ kind: g.kind, id: g.id, reason: g.reason, message: g.message }));
  if (r.deviations?.length) out.deviations = r.deviations.map((d) => ({ blog: d.blog, instead: d.instead, reason: d.reason }));
  if (r.commandFailures?.length) out.commandFailures = r.commandFailures.map((c) => ({ command: c.command, exitCode: c.exitCode, stderr: c.stderr, reason: c.reason, gap: c.gap }));
  return out;
}

function phase(p: PhaseResult): PhaseResult {
  const out: PhaseResult = { name: p.name, status: p.status, durationMs: Math.round(p.durationMs) };
  copy(out, p, ['error', 'startMs']);
  return out;
}

function check(c: CheckResult): CheckResult {
  const out: CheckResult = { id: c.id, status: c.status, message: c.message ?? '', expectedFailure: !!c.expectedFailure };
  copy(out, c, ['ok', 'atMs', 'reason', 'knownGap']);
  if (c.serial) out.serial = { boot: c.serial.boot, line: c.serial.line };
  return out;
}

function copy<T extends object>(to: T, from: T, keys: (keyof T)[]): void {
  for (const k of keys) if (from[k] !== undefined) to[k] = from[k];
}
