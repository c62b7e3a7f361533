/**
 * persist.login: can the user still log in with their password after the rollback? / and
 * /etc/shadow with it are erased at every boot: a password set with `passwd` on the running
 * system is lost, one the configuration declares comes back (the blog warns credentials need care).
 * Gathers nothing from the guest: the console login at each boot is recorded by the procedure
 * (facts.login), and the judge reads the one of the boot the checks run in.
 */
import type { Plan } from '../scenario/plan.ts';
import type { Facts } from '../procedure/context.ts';
import { fail, pass, type Check, type CheckContext, type CheckOutcome } from './check.ts';

export interface LoginGathered {
  /** The boot the checks run in (after the rollback). */
  boot?: number;
  logins: NonNullable<Facts['login']>;
}

export function gatherLogin(ctx: Pick<CheckContext, 'facts'>): Promise<LoginGathered> {
  return Promise.resolve({ ...(ctx.facts.currentBoot !== undefined && { boot: ctx.facts.currentBoot }), logins: ctx.facts.login ?? [] });
}

/**
 * @example
 * judgeLogin({ boot: 3, logins: [{ boot: 3, ok: false, message: 'Login incorrect' }] }, plan).status // 'failed'
 */
export function judgeLogin(g: LoginGathered, plan: { user: Pick<Plan['user'], 'name' | 'passwordVia'> }): CheckOutcome {
  const how = plan.user.passwordVia === 'passwd' ? `set with passwd on the first boot` : 'declared in the configuration';
  const login = g.logins.find((l) => l.boot === g.boot);
  if (g.boot === undefined || !login) return fail(`no console login was recorded at the boot the checks run in (boot ${g.boot ?? '?'}); recorded: ${g.logins.map((l) => l.boot).join(', ') || 'none'}`);
  const earlier = g.logins.filter((l) => l.boot < login.boot).map((l) => `boot ${l.boot} ${l.ok ? 'ok' : 'refused'}`);
  const history = earlier.length ? ` (earlier: ${earlier.join(', ')})` : '';
  return login.ok
    ? pass(`${plan.user.name} logged in after the rollback with the password ${how}${history}`)
    : fail(`${plan.user.name} cannot log in after the rollback with the password ${how}: ${login.message}${history}`);
}

export const persistLogin: Check<LoginGathered> = {
  id: 'persist.login',
  holds: 'the user can still log in on the console with their password after the rollback',
  gather: gatherLogin,
  judge: (g, { plan }) => judgeLogin(g, plan),
  // Then log in on the console with the password; passwd -S says whether one is set (P) or not.
  see: (plan) => [`sudo passwd -S ${plan.user.name}`],
};
