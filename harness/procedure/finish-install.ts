/**
 * The end of the install, before the machine goes off: everything written is synced, the
 * filesystems unmounted deepest first, swap off and the mapping closed, so the disk is clean
 * for the first boot (and for a checkpoint taken while it is off).
 */
import { unmountOrder } from './install.ts';
import type { StepContext } from './context.ts';

/** The commands, in order; each must succeed. */
export function closeInstallationCommand(plan: StepContext['plan']): string {
  return `sync && umount ${unmountOrder(plan).join(' ')} && swapoff -a && cryptsetup close ${plan.luks.mapping}`;
}

export async function closeInstallation(ctx: StepContext): Promise<void> {
  await ctx.step(`unmount and close ${ctx.plan.luks.mapping}`, () =>
    ctx.shell.expectSuccess(closeInstallationCommand(ctx.plan), { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal }),
  );
}
