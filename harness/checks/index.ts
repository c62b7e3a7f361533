/** The checks, in report order; the registry is the one list of check ids the harness runs. */
import type { AnyCheck } from './check.ts';
import { blankNotNested, canaryGone, rollbackRan } from './rollback.ts';
import { journalBoots, machineId, persistFiles } from './persist.ts';
import { persistAdjtime, persistConfig, persistNixosMarker } from './persist-etc.ts';
import { networkManager, nmSeenBssids, nmTimestamps } from './networkmanager.ts';
import { btrfsLayout, rootEncrypted, swapActive } from './layout.ts';
import { mountOptions } from './mounts.ts';
import { stateDrift } from './drift.ts';
import { KERNEL_CHECKS } from './kernel.ts';
import { rollbackOrdered } from './rollback-order.ts';
import { POWER_CUT_CHECKS } from './power-cut.ts';
import { persistLogin } from './persist-login.ts';
import { serviceUnits, servicesActive } from './services-active.ts';
import type { Plan } from '../scenario/plan.ts';

/** DESIGN.md's table first (its order), then the ones added by adding. */
export const DESIGN_CHECKS: readonly AnyCheck[] = [
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
  rollbackRan,
  rollbackOrdered,
  persistConfig,
  persistAdjtime,
  persistNixosMarker,
  nmSeenBssids,
  nmTimestamps,
];

export type { AnyCheck, Check, CheckContext, CheckOutcome, JudgeInput, JudgePlan, JudgeFacts } from './check.ts';
export { judgePlan } from './check.ts';
export * from './parse.ts';

/** What a run of the blog procedure checks: DESIGN.md's, then the kernel and hardware ones. */
export const ALL_CHECKS: readonly AnyCheck[] = [...DESIGN_CHECKS, persistLogin, ...KERNEL_CHECKS];
export { KERNEL_CHECKS, badKernelLines, DEFAULT_DENY } from './kernel.ts';
export { POWER_CUT_CHECKS, nonZeroStats } from './power-cut.ts';
export { builtinFsDiffScript } from './fs-diff-script.ts';

/** Checks a plan adds only where it applies (services.active: persisted daemon state). */
export const SERVICE_CHECKS: readonly AnyCheck[] = [servicesActive];

/** Every check id the harness can run (scenario validation must accept each of them). */
export const CHECK_IDS: readonly string[] = [...ALL_CHECKS, ...POWER_CUT_CHECKS, ...SERVICE_CHECKS].map((c) => c.id);

/** What a run of `plan` checks: ALL_CHECKS, the power-cut ones after a cut, services.active where daemons' state is persisted. */
export function checksForPlan(plan: Pick<Plan, 'powerCut' | 'serviceState'>): readonly AnyCheck[] {
  return [...ALL_CHECKS, ...(plan.powerCut ? POWER_CUT_CHECKS : []), ...(serviceUnits(plan).length ? SERVICE_CHECKS : [])];
}
