import { describe, expect, it } from 'vitest';
import { runResult } from '../../harness/runner/run-result.ts';
import { Sequencer } from '../../harness/runner/sequencer.ts';
import type { RunContext } from '../../harness/runner/run-context.ts';
import type { CheckResult } from '../../harness/report/results.ts';
import { Redactor } from '../../harness/util/redact.ts';
import { testPlan } from '../support/plan.ts';

/** A run context with just what runResult reads. */
function finished(checks: CheckResult[], phases: string[] = ['image', 'checks']) {
  const plan = testPlan();
  const seq = new Sequencer({ runId: 'r', emit: () => undefined, signal: new AbortController().signal, startedAt: Date.now(), redact: (t) => t });
  for (const name of phases) seq.phases.push({ name, status: 'passed', durationMs: 1 });
  const run = {
    o: { plan, info: { outputDir: '/tmp/none' }, accel: { accel: 'tcg', note: '' }, redactor: new Redactor([]) },
    seq,
    checks,
    out: { list: async () => [] },
  } as unknown as RunContext;
  return runResult(run, Date.now());
}

const check = (id: string, status: CheckResult['status']): CheckResult => ({ id, status, message: '', expectedFailure: false });

describe('the result of a run', () => {
  it('is error when no check ran, even though every phase passed', async () => {
    const r = await finished([]);
    expect(r.status).toBe('error');
    expect(r.error).toMatch(/no check ran/);
  });

  it('is error when every check was skipped', async () => {
    const r = await finished([check('swap.active', 'skipped'), check('luks.root-encrypted', 'skipped')]);
    expect(r.status).toBe('error');
  });

  it('passes with a skipped check beside passed ones, and keeps it skipped', async () => {
    const r = await finished([check('swap.active', 'passed'), check('persist.nixos-marker', 'skipped')]);
    expect(r.status).toBe('passed');
    expect(r.checks.map((c) => c.status)).toEqual(['passed', 'skipped']);
  });

  it('fails when a check failed', async () => {
    const r = await finished([check('swap.active', 'passed'), check('rollback.canary-gone', 'failed')]);
    expect(r.status).toBe('failed');
  });
});
