/**
 * Small shared formatting for reporters, so the terminal, JUnit and HTML say durations and counts
 * the same way.
 */
import type { CheckResult, RunResult } from './results.ts';

/**
 * Human duration: sub-minute with one decimal, then minutes and seconds.
 *
 * @example formatDuration(600) // '0.6 s'; formatDuration(252_000) // '4m 12s'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}

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
