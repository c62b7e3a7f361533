import { describe, expect, it } from 'vitest';
import { judgeLogin } from '../../harness/checks/persist-login.ts';
import { testPlan } from '../support/plan.ts';

describe('persist.login', () => {
  it('holds when the user logged in at the boot after the rollback', () => {
    const r = judgeLogin({ boot: 3, logins: [{ boot: 2, ok: true, message: 'ok' }, { boot: 3, ok: true, message: 'ok' }] }, testPlan());
    expect(r.status).toBe('passed');
    expect(r.message).toContain('declared in the configuration');
  });

  it('fails when the password set with passwd is gone after the rollback', () => {
    const plan = testPlan({ user: { ...testPlan().user, passwordVia: 'passwd' } });
    const r = judgeLogin({ boot: 3, logins: [{ boot: 2, ok: true, message: 'ok' }, { boot: 3, ok: false, message: 'login as delta: Login incorrect' }] }, plan);
    expect(r).toEqual({ status: 'failed', message: 'delta cannot log in after the rollback with the password set with passwd on the first boot: login as delta: Login incorrect (earlier: boot 2 ok)' });
  });

  it('fails, never passes, when no login was recorded at that boot', () => {
    expect(judgeLogin({ boot: 3, logins: [{ boot: 2, ok: true, message: 'ok' }] }, testPlan()).status).toBe('failed');
    expect(judgeLogin({ logins: [] }, testPlan()).status).toBe('failed');
  });
});
