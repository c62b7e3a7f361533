import { describe, expect, it } from 'vitest';
import { judgeChecks, runStatus, statusForError } from '../../harness/runner/judge.ts';
import { CheckFailed, CommandFailed, GuestCrashed, HostError, InfraError, ScenarioError, TimeoutError, AbortedError } from '../../harness/errors.ts';
import type { CheckResult, PhaseResult } from '../../harness/report/results.ts';

const ok: PhaseResult[] = [{ name: 'install', status: 'passed', durationMs: 1 }];
const check = (id: string, status: CheckResult['status']): CheckResult => ({ id, status, message: '', expectedFailure: false });

describe('judging a run', () => {
  it('passes when every check passed or was skipped', () => {
    const checks = judgeChecks([check('a', 'passed'), check('b', 'skipped')], []);
    expect(runStatus(ok, checks, [])).toBe('passed');
  });

  it('fails when a check fails that was not expected to', () => {
    expect(runStatus(ok, judgeChecks([check('a', 'failed')], []), [])).toBe('failed');
  });

  it('passes when exactly the expected checks fail', () => {
    const checks = judgeChecks([check('rollback.canary-gone', 'failed'), check('persist.files', 'passed')], ['rollback.canary-gone']);
    expect(checks[0]).toMatchObject({ expectedFailure: true, ok: true });
    expect(runStatus(ok, checks, ['rollback.canary-gone'])).toBe('passed');
  });

  it('fails when an expected failure passes, and says so', () => {
    const checks = judgeChecks([check('rollback.canary-gone', 'passed')], ['rollback.canary-gone']);
    expect(checks[0]!.message).toMatch(/expected to fail, but passed/);
    expect(runStatus(ok, checks, ['rollback.canary-gone'])).toBe('failed');
  });

  it('fails when an expected failure never ran', () => {
    expect(runStatus(ok, judgeChecks([check('a', 'passed')], ['state.drift']), ['state.drift'])).toBe('failed');
  });

  it('is an error, not a failure, when the harness broke', () => {
    expect(runStatus([{ name: 'boot', status: 'error', durationMs: 1 }], [], [])).toBe('error');
  });

  it('blames the system for check failures, crashes and timeouts, the harness for the rest', () => {
    expect(statusForError(new CheckFailed('x'))).toBe('failed');
    expect(statusForError(new GuestCrashed('kernel-panic', 'x'))).toBe('failed');
    expect(statusForError(new TimeoutError('x', 1, ''))).toBe('failed');
    expect(statusForError(new InfraError('x'))).toBe('error');
    expect(statusForError(new AbortedError('x'))).toBe('error');
  });

  it('takes the status from the error class: a failed guest command fails, a host or input problem is an error', () => {
    const failed = new CommandFailed({ command: 'cryptsetup open', exitCode: 2, stdout: '', stderr: 'x', durationMs: 5, timedOut: false });
    expect(statusForError(failed)).toBe('failed');
    expect(statusForError(new HostError('no qemu'))).toBe('error');
    expect(statusForError(new ScenarioError('bad'))).toBe('error');
    expect(statusForError(new Error('a bug'))).toBe('error');
    expect(statusForError('thrown string')).toBe('error');
  });
});
