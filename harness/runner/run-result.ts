/**
 * The run's result from what its phases and checks recorded. No green without evidence: checks
 * that never ran are reported as not run, and a run in which no check ran is an `error`.
 */
import type { RunResult } from '../report/results.ts';
import { ALL_CHECKS } from '../checks/index.ts';
import { judgeChecks, runStatus } from './judge.ts';
import type { RunContext } from './run-context.ts';

export async function runResult(run: RunContext, startedAt: number): Promise<RunResult> {
  const { plan, info, accel, redactor } = run.o;
  const { failed } = run.seq;
  const phases = [...run.seq.phases];
  let checks = run.checks;
  if (failed && !checks.length) {
    checks = ALL_CHECKS.map((c) => ({ id: c.id, status: 'skipped' as const, message: `not run: phase ${failed.phase} did not pass`, expectedFailure: false }));
  }
  const judged = judgeChecks(checks, plan.expectedFailures);
  let error = failed ? `${failed.phase}: ${redactor.redact(failed.error instanceof Error ? failed.error.message : String(failed.error))}` : undefined;
  let status = runStatus(phases, judged, plan.expectedFailures);
  if (status === 'passed' && !judged.some((c) => c.status !== 'skipped')) {
    status = 'error';
    error = 'no check ran: a run that checked nothing is not a pass';
  }
  const result: RunResult = {
    scenario: plan.name,
    guest: plan.guest,
    status,
    durationMs: Date.now() - startedAt,
    accel: accel.accel,
    phases,
    checks: judged,
    profile: plan.profile.name,
    kernel: plan.kernel.name,
    startedAt: new Date(startedAt).toISOString(),
    ...(error && { error }),
    boots: run.guest?.boots ?? [],
    outputDir: info.outputDir,
    ...(run.checkpoint && { checkpoint: run.checkpoint }),
  };
  result.artifacts = await run.out.list().catch(() => []);
  return result;
}
