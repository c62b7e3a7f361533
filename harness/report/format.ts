/**
 * Small shared formatting for reporters, so the terminal, JUnit and HTML say durations and counts
 * the same way.
 */
import type { CheckResult, RunResult } from './results.ts';

export interface CheckCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** Failed as expected (counted in `passed`: the run judges them ok). */
  expected: number;
}

/** An expected failure that failed is ok; one that passed is not (the broken thing went unnoticed). */
export function checkOk(c: CheckResult): boolean {
  if (c.ok !== undefined) return c.ok;
  if (c.status === 'skipped') return true;
  return c.expectedFailure ? c.status === 'failed' : c.status === 'passed';
}

/** Counts as the run judges them: expected failures count as passed. */
export function countChecks(checks: readonly CheckResult[]): CheckCounts {
  const n: CheckCounts = { passed: 0, failed: 0, skipped: 0, expected: 0 };
  for (const c of checks) {
    if (c.status === 'skipped') n.skipped++;
    else if (checkOk(c)) {
      n.passed++;
      if (c.expectedFailure) n.expected++;
    } else n.failed++;
  }
  return n;
}

/** `blog-xps13 [debian]`, the one name a run has in JUnit and on pages. */
export function runTitle(r: Pick<RunResult, 'scenario' | 'guest'>): string {
  return `${r.scenario} [${r.guest}]`;
}
