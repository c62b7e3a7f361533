/**
 * A check that cannot gather: the system's fault is a verdict (`failed`), the harness's is not
 * (reported "not judged", and the checks phase ends in error). Everything gathered is written to
 * checks-gathered.json either way.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pass, type Check } from '../../harness/checks/check.ts';
import { InfraError, TimeoutError } from '../../harness/errors.ts';
import { debianDriver } from '../../harness/guests/debian/driver.ts';
import { OutputDir } from '../../harness/report/output-dir.ts';
import type { CheckResult } from '../../harness/report/results.ts';
import { gatherFault, GATHERED_FILE, recordBefore, runChecks } from '../../harness/runner/run-checks.ts';
import { Redactor } from '../../harness/util/redact.ts';
import { testPlan } from '../support/plan.ts';

const shell = {
  run: async () => ({ exitCode: 0, stdout: '', stderr: '', durationMs: 0 }),
  expectSuccess: async () => '',
  upload: async () => {},
};
const fine: Check<string, string> = { id: 'rollback.canary-gone', holds: '', before: async () => 'b', gather: async () => 'g', judge: (g, { before }) => pass(`${before}${g}`) };
const guestHung: Check = { id: 'persist.files', holds: '', gather: async () => { throw new TimeoutError('the guest to answer', 1000, ''); }, judge: () => pass() };
const channelBroke: Check = { id: 'state.drift', holds: '', gather: async () => { throw new InfraError('ssh: channel closed'); }, judge: () => pass() };

async function run(checks: Check[]) {
  const dir = await mkdtemp(join(tmpdir(), 'darlings-rc-'));
  const results: CheckResult[] = [];
  const o = { plan: testPlan(), shell, guest: debianDriver, facts: {}, out: new OutputDir(dir, new Redactor()), emit: () => {}, runId: 'r', step: <T>(_: string, f: () => Promise<T>) => f(), checks, results };
  const before = await recordBefore(o);
  const error = await runChecks({ ...o, facts: { before } }).then(() => undefined, (e: unknown) => e);
  return { results, error, gathered: JSON.parse(await readFile(join(dir, GATHERED_FILE), 'utf8')) };
}

describe('runChecks and a check that cannot gather', () => {
  it("blames the system for a guest that did not answer, the harness for a broken channel", () => {
    expect(gatherFault(new TimeoutError('x', 1, '')).blame).toBe('system');
    expect(gatherFault(new InfraError('channel closed')).blame).toBe('infrastructure');
    expect(gatherFault(new TypeError('a harness bug')).blame).toBe('infrastructure');
  });

  it('judges what it gathered with what before recorded, and writes both to checks-gathered.json', async () => {
    const r = await run([fine]);
    expect(r.error).toBeUndefined();
    expect(r.results).toEqual([expect.objectContaining({ id: 'rollback.canary-gone', status: 'passed', message: 'bg' })]);
    expect(r.gathered.checks['rollback.canary-gone']).toEqual({ before: 'b', gathered: 'g' });
    expect(r.gathered.plan.luks).toEqual({ mapping: 'enc' });
    for (const secret of testPlan().secrets) expect(JSON.stringify(r.gathered)).not.toContain(secret);
  });

  it('fails the check when the system is at fault, and keeps it apart (not judged, phase error) when the harness is', async () => {
    const r = await run([fine, guestHung, channelBroke]);
    const by = Object.fromEntries(r.results.map((c) => [c.id, c]));
    expect(by['rollback.canary-gone']!.status).toBe('passed');
    expect(by['persist.files']).toMatchObject({ status: 'failed', message: expect.stringMatching(/^could not check \(the system's fault\): Timed out/) });
    expect(by['state.drift']).toMatchObject({ status: 'skipped', message: expect.stringMatching(/^not judged \(infrastructure fault, not a verdict on the system\): ssh: channel closed/) });
    expect(r.error).toBeInstanceOf(InfraError);
    expect(String(r.error)).toMatch(/1 check\(s\) could not be judged: state.drift/);
    expect(r.gathered.checks['state.drift'].fault).toMatch(/^infrastructure: /);
  });
});
