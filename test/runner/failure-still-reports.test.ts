/**
 * A run that fails early still ends in results.json and junit.xml, with the phase that failed,
 * why, and every check reported as not run; no secret gets into them.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlan } from '../../harness/runner/run-plan.ts';
import { createReporters } from '../../harness/report/index.ts';
import { Redactor } from '../../harness/util/redact.ts';
import { InfraError } from '../../harness/errors.ts';
import { debianDriver } from '../../harness/guests/debian/driver.ts';
import { testPlan } from '../support/plan.ts';

describe('a run that fails in its first phase', () => {
  it('writes results.json and junit.xml saying where and why, with checks marked not run', async () => {
    const plan = testPlan();
    const out = await mkdtemp(join(tmpdir(), 'darlings-fail-'));
    const redactor = new Redactor(plan.secrets);
    const reporters = createReporters(['json', 'junit'], { stdout: { write: () => true }, isTTY: false, redactor });
    const driver = {
      ...debianDriver,
      buildImage: async () => {
        throw new InfraError(`mirror unreachable while building (passphrase was ${plan.luks.passphrase})`);
      },
    };
    const result = await runPlan({
      plan,
      driver,
      info: { runId: 'r1', scenario: plan.name, guest: plan.guest, profile: plan.profile.name, kernel: plan.kernel.name, outputDir: out },
      emit: (e) => reporters.onEvent(e),
      accel: { accel: 'tcg', note: 'test' },
      ovmf: { code: '/nonexistent', vars: '/nonexistent' },
      cacheDir: out,
      redactor,
      keepVm: false,
      signal: new AbortController().signal,
    });
    await reporters.onEnd([result]);
    expect(result.status).toBe('error');
    const json = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(json.phases).toEqual([expect.objectContaining({ name: 'image', status: 'error', error: expect.stringContaining('mirror unreachable') })]);
    expect(json.checks.every((c: { status: string; message: string }) => c.status === 'skipped' && /not run: phase image/.test(c.message))).toBe(true);
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain('mirror unreachable');
    for (const text of [JSON.stringify(json), junit]) expect(text).not.toContain(plan.luks.passphrase);
  });
});
