/** The kernel log of the booted system, for kernel.log-clean and as dmesg-<boot>.txt. */
import type { StepContext } from './context.ts';

export async function readKernelLog(ctx: StepContext): Promise<string> {
  return ctx.step('read the kernel log (dmesg)', () => ctx.shell.expectSuccess('dmesg', { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal }));
}
