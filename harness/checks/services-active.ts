/**
 * services.active (nixos): the daemons whose state the scenario persists (docker, lxd) are active
 * after the reboot, so their persisted state is usable, not only there. The debian stand-in runs
 * no such daemons (serviceState files stand in for their state): skipped there, and said so.
 */
import type { Plan } from '../scenario/plan.ts';
import { shQuote } from '../util/shell.ts';
import { fail, pass, skip, type Check, type CheckContext, type CheckOutcome } from './check.ts';

export interface ServicesGathered {
  /** unit -> what `systemctl is-active` printed for it. */
  states: Record<string, string>;
}

/** The units the plan's service state belongs to. */
export function serviceUnits(plan: Pick<Plan, 'serviceState'>): string[] {
  return [...new Set(plan.serviceState.flatMap((s) => (s.unit ? [s.unit] : [])))];
}

/** The command a person runs to see it: `systemctl is-active docker.service lxd.service`. */
export function servicesCommand(units: readonly string[]): string {
  return `systemctl is-active ${units.map(shQuote).join(' ')}`;
}

export async function gatherServices(ctx: CheckContext): Promise<ServicesGathered> {
  const units = serviceUnits(ctx.plan);
  if (ctx.plan.guest !== 'nixos' || !units.length) return { states: {} };
  // is-active exits non-zero when any unit is not active: the printed states are what counts.
  const r = await ctx.shell.run(servicesCommand(units), { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal });
  const lines = r.stdout.trim().split('\n');
  return { states: Object.fromEntries(units.map((u, i) => [u, lines[i]?.trim() || 'unknown'])) };
}

/**
 * @example
 * judgeServices({ states: { 'docker.service': 'failed' } }, plan).status // 'failed'
 */
export function judgeServices(g: ServicesGathered, plan: Pick<Plan, 'guest' | 'serviceState'>): CheckOutcome {
  const units = serviceUnits(plan);
  if (!units.length) return skip('the scenario persists no daemon state (serviceState has no unit)');
  if (plan.guest !== 'nixos') return skip(`the ${plan.guest} stand-in runs no ${units.join(', ')}: its serviceState files stand in for their state`);
  const down = units.filter((u) => g.states[u] !== 'active');
  return down.length
    ? fail(`not active after the reboot: ${down.map((u) => `${u} (${g.states[u] ?? 'not seen'})`).join(', ')}`)
    : pass(`active after the reboot: ${units.join(', ')}`);
}

export const servicesActive: Check<ServicesGathered> = {
  id: 'services.active',
  holds: 'the daemons whose state is persisted are active after the reboot (nixos)',
  gather: gatherServices,
  judge: (g, { plan }) => judgeServices(g, plan),
  see: (plan) => (serviceUnits(plan).length ? [servicesCommand(serviceUnits(plan))] : []),
};
