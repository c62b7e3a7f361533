/** The DESIGN.md checks, in report order. */
import type { Check } from './check.ts';
import { blankNotNested, canaryGone } from './rollback.ts';
import { journalBoots, machineId, networkManager, persistFiles } from './persist.ts';
import { btrfsLayout, mountOptions, rootEncrypted, swapActive } from './layout.ts';
import { stateDrift } from './drift.ts';
import { KERNEL_CHECKS } from './kernel.ts';
import { persistLogin } from './persist-login.ts';
import { serviceUnits, servicesActive } from './services-active.ts';
import { POWER_CUT_CHECKS } from './power-cut.ts';
import type { Plan } from '../scenario/plan.ts';

export const DESIGN_CHECKS: readonly Check[] = [
  blankNotNested,
  canaryGone,
  persistFiles,
  machineId,
  journalBoots,
  networkManager,
  rootEncrypted,
  btrfsLayout,
  mountOptions,
  swapActive,
  stateDrift,
];

export type { Check, CheckContext, CheckOutcome } from './check.ts';
export * from './parse.ts';

/** What a run of the blog procedure checks: DESIGN.md's, then the kernel and hardware ones. */
export const ALL_CHECKS: readonly Check[] = [...DESIGN_CHECKS, persistLogin, ...KERNEL_CHECKS];
export { KERNEL_CHECKS, badKernelLines, DEFAULT_DENY } from './kernel.ts';
export { POWER_CUT_CHECKS, nonZeroStats } from './power-cut.ts';

/** Checks a plan adds only where it applies (services.active: persisted daemon state). */
export const SERVICE_CHECKS: readonly Check[] = [servicesActive];

/** What a run of `plan` checks: ALL_CHECKS, the power-cut ones after a cut, services.active where daemons' state is persisted. */
export function checksForPlan(plan: Pick<Plan, 'powerCut' | 'serviceState'>): readonly Check[] {
  return [...ALL_CHECKS, ...(plan.powerCut ? POWER_CUT_CHECKS : []), ...(serviceUnits(plan).length ? [servicesActive] : [])];
}
