/**
 * How a run is judged: pure functions over phase and check outcomes (unit-tested). A scenario can
 * expect checks to fail (a deliberately broken rollback): then it passes only if exactly those fail.
 */
import { HarnessError } from '../errors.ts';
import type { CheckResult, PhaseResult } from '../report/results.ts';
import type { Status } from '../report/events.ts';

/**
 * A phase's status from the error that ended it, as its class says (errors.ts: each class carries
 * its blame). Anything that is no HarnessError is a harness bug: `error`.
 */
export function statusForError(error: unknown): Status {
  return error instanceof HarnessError ? error.status : 'error';
}

/** Marks each check ok or not, given the scenario's expected failures. */
export function judgeChecks(checks: CheckResult[], expectedFailures: string[]): CheckResult[] {
  return checks.map((c) => {
    const expectedFailure = expectedFailures.includes(c.id);
    const ok = expectedFailure ? c.status === 'failed' : c.status !== 'failed';
    let message = c.message;
    if (expectedFailure && c.status === 'passed') message = `expected to fail, but passed: ${c.message}`;
    if (expectedFailure && c.status === 'skipped') message = `expected to fail, but was skipped: ${c.message}`;
    return { ...c, expectedFailure, ok, message };
  });
}

/** Expected failures the run never got to (no such check ran): the run cannot pass then. */
export function missingExpected(checks: CheckResult[], expectedFailures: string[]): string[] {
  return expectedFailures.filter((id) => !checks.some((c) => c.id === id));
}

export function runStatus(phases: PhaseResult[], checks: CheckResult[], expectedFailures: string[]): Status {
  if (phases.some((p) => p.status === 'error')) return 'error';
  if (phases.some((p) => p.status === 'failed')) return 'failed';
  if (checks.some((c) => c.ok === false)) return 'failed';
  if (missingExpected(checks, expectedFailures).length) return 'failed';
  return 'passed';
}
