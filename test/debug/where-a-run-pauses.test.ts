/**
 * Where a run pauses (runner/debug-phases.ts): before the named phase (which then does not run),
 * before power-off when a check failed unexpectedly or with --debug=always, and after a failed
 * phase; never without a reason.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pauseAtFailure, pauseBefore } from '../../harness/runner/debug-phases.ts';
import type { RunContext } from '../../harness/runner/run-context.ts';
import type { PauseWhen, PauseWhere } from '../../harness/debug/pause.ts';
import type { CheckResult } from '../../harness/report/results.ts';
import { Redactor } from '../../harness/util/redact.ts';
import { AbortedError } from '../../harness/errors.ts';

function fakeRun(when: PauseWhen, o: { checks?: CheckResult[]; expectedFailures?: string[]; failed?: { phase: string; error: unknown } } = {}) {
  const pauses: PauseWhere[] = [];
  const ctl = new AbortController();
  const machine = {
    running: true,
    exited: new Promise(() => {}),
    spec: { sshPort: 1, serialSocket: '/w/s', qmpSocket: '/w/q' },
    serial: { since: () => '', close: () => {} },
    qmp: { close: () => {} },
  };
  const run = {
    o: {
      pause: { when, pause: async (w: PauseWhere) => void (pauses.push(w), ctl.abort(new Error('interrupted by SIGINT'))) },
      emit: () => {},
      signal: ctl.signal,
      redactor: new Redactor(['hunter2']),
    },
    runId: 'r',
    guest: { running: true, machine, o: { key: { privateKey: 'KEY' } }, boots: [{}, {}] },
    files: { workDir: mkdtempSync(join(tmpdir(), 'darlings-pause-')) },
    checks: o.checks ?? [],
    plan: { expectedFailures: o.expectedFailures ?? [] },
    seq: { failed: o.failed },
  } as unknown as RunContext;
  return { run, pauses };
}

const check = (id: string, status: CheckResult['status']): CheckResult => ({ id, status, message: '', expectedFailure: false });

describe('where a run pauses', () => {
  it('--pause-before checks: pauses there, and the phase does not run (interrupted)', async () => {
    const { run, pauses } = fakeRun({ debug: 'off', beforePhase: 'checks' });
    await pauseBefore(run, 'reboot');
    expect(pauses).toEqual([]);
    await expect(pauseBefore(run, 'checks')).rejects.toThrow(AbortedError);
    expect(pauses.map((p) => p.reason)).toEqual(['before checks']);
  });

  it('--debug before power-off: only when a check failed unexpectedly; always: also when all passed', async () => {
    const cases: [PauseWhen, CheckResult[], string[], string[]][] = [
      [{ debug: 'on-failure' }, [check('a', 'passed'), check('b', 'failed')], [], ['checks failed: b']],
      [{ debug: 'on-failure' }, [check('a', 'passed'), check('b', 'failed')], ['b'], []],
      [{ debug: 'on-failure' }, [check('a', 'passed')], [], []],
      [{ debug: 'always' }, [check('a', 'passed')], [], ['after the checks']],
      [{ debug: 'off' }, [check('b', 'failed')], [], []],
    ];
    for (const [when, checks, expectedFailures, reasons] of cases) {
      const { run, pauses } = fakeRun(when, { checks, expectedFailures });
      await pauseBefore(run, 'power-off');
      expect(pauses.map((p) => p.reason), JSON.stringify(when)).toEqual(reasons);
    }
  });

  it('--debug after a failed phase: pauses with its (redacted) error; not without --debug, nor after an interrupt', async () => {
    const failed = { phase: 'first-boot', error: new Error('typed hunter2, no prompt\nmore') };
    const a = fakeRun({ debug: 'on-failure' }, { failed });
    await pauseAtFailure(a.run);
    expect(a.pauses.map((p) => p.reason)).toEqual(['first-boot failed: typed [redacted], no prompt']);
    const b = fakeRun({ debug: 'off', beforePhase: 'checks' }, { failed });
    await pauseAtFailure(b.run);
    expect(b.pauses).toEqual([]);
    const c = fakeRun({ debug: 'on-failure' }, { failed: { phase: 'reboot', error: new AbortedError('interrupted by SIGINT') } });
    (c.run.o as { signal: AbortSignal }).signal = AbortSignal.abort();
    await pauseAtFailure(c.run);
    expect(c.pauses).toEqual([]);
  });
});
