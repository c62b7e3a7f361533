/**
 * What a run says about the recipe beside its checks: each expected failure's reason, the known
 * gaps of the recipe that the run showed (checks and commands the scenario declares `gap: true`),
 * the scenario's deviations from the blog, and the commands that failed as expected.
 */
import type { Plan } from '../scenario/plan.ts';
import type { Facts } from '../procedure/context.ts';
import type { CheckResult, CommandFailure, Deviation, KnownGap } from '../report/results.ts';

/** Adds each expected failure's reason, and whether it is a known gap, to the judged checks. */
export function annotateExpectations(checks: CheckResult[], plan: Pick<Plan, 'expectations'>): CheckResult[] {
  return checks.map((c) => {
    const e = plan.expectations.find((x) => x.id === c.id);
    return e ? { ...c, reason: e.reason, knownGap: e.gap } : c;
  });
}

export interface RecipeNotes {
  knownGaps: KnownGap[];
  deviations: Deviation[];
  commandFailures: CommandFailure[];
}

/**
 * A gap is listed only where the run showed it: the check failed, or the command exited non-zero.
 *
 * @example
 * recipeNotes(plan, checks, facts).knownGaps // [{ kind: 'check', id: 'persist.machine-id', reason: '…', message: '…' }]
 */
export function recipeNotes(plan: Pick<Plan, 'expectations' | 'deviations'>, checks: CheckResult[], facts: Pick<Facts, 'persistCommands'>): RecipeNotes {
  const knownGaps: KnownGap[] = [];
  for (const e of plan.expectations) {
    const c = checks.find((x) => x.id === e.id);
    if (e.gap && c?.status === 'failed') knownGaps.push({ kind: 'check', id: e.id, reason: e.reason, message: c.message });
  }
  const commandFailures: CommandFailure[] = [];
  for (const o of facts.persistCommands ?? []) {
    if (!o.expectedFailure || o.exitCode === 0) continue;
    commandFailures.push({ command: o.command, exitCode: o.exitCode, stderr: o.stderr, reason: o.expectedFailure.reason, gap: o.expectedFailure.gap });
    if (o.expectedFailure.gap) knownGaps.push({ kind: 'command', id: o.command, reason: o.expectedFailure.reason, message: `exit ${o.exitCode}: ${o.stderr || '(no stderr)'}` });
  }
  return { knownGaps, deviations: plan.deviations.map((d) => ({ ...d })), commandFailures };
}
