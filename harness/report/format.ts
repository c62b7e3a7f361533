/**
 * Small shared formatting for reporters, so the terminal, JUnit and HTML say durations and counts
 * the same way.
 */
import type { CheckResult, RunResult } from './results.ts';

export interface CheckCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** Failed as expected (counted in `passed`: the run judges them ok), known gaps apart. */
  expected: number;
  /** Failed as expected because the recipe itself falls short (counted in `passed`, not in `expected`). */
  gaps: number;
}

/** An expected failure that failed is ok; one that passed is not (the broken thing went unnoticed). */
export function checkOk(c: CheckResult): boolean {
  if (c.ok !== undefined) return c.ok;
  if (c.status === 'skipped') return true;
  return c.expectedFailure ? c.status === 'failed' : c.status === 'passed';
}

/** Counts as the run judges them: expected failures count as passed. */
export function countChecks(checks: readonly CheckResult[]): CheckCounts {
  const n: CheckCounts = { passed: 0, failed: 0, skipped: 0, expected: 0, gaps: 0 };
  for (const c of checks) {
    if (c.status === 'skipped') n.skipped++;
    else if (checkOk(c)) {
      n.passed++;
      if (c.expectedFailure && c.knownGap) n.gaps++;
      else if (c.expectedFailure) n.expected++;
    } else n.failed++;
  }
  return n;
}

/** `blog-xps13 [debian]`, the one name a run has in JUnit and on pages. */
export function runTitle(r: Pick<RunResult, 'scenario' | 'guest'>): string {
  return `${r.scenario} [${r.guest}]`;
}

/**
 * The recipe's known gaps, deviations and expected command failures of a run as plain lines
 * (the terminal summary and JUnit say them the same way).
 *
 * @example recipeLines(result) // ['known gap persist.machine-id: the blog copies no machine-id (run: …)', …]
 */
export function recipeLines(r: Pick<RunResult, 'knownGaps' | 'deviations' | 'commandFailures'>): string[] {
  const lines: string[] = [];
  for (const g of r.knownGaps ?? []) lines.push(`known gap ${g.kind === 'command' ? `\`${g.id}\`` : g.id}: ${g.reason} (the run: ${g.message.split('\n', 1)[0]})`);
  for (const d of r.deviations ?? []) lines.push(`deviation: \`${d.instead}\` instead of the blog's \`${d.blog}\`: ${d.reason}`);
  for (const c of r.commandFailures ?? []) if (!c.gap) lines.push(`expected command failure \`${c.command}\` (exit ${c.exitCode}): ${c.reason}`);
  return lines;
}
