/**
 * The power-cut scenario's writes: after everything before is synced, unsynced writes to /persist
 * and to / start in the background, so the plug is pulled while they are in flight.
 */
import type { StepContext } from './context.ts';

export const UNSYNCED_FILES = ['/persist/darlings-unsynced', '/darlings-unsynced'] as const;

/** One background writer: /persist first, then /; nothing syncs it. */
export function unsyncedWriterCommand(writeMiB: number): string {
  const [persisted, root] = UNSYNCED_FILES;
  return `nohup sh -c 'dd if=/dev/urandom of=${persisted} bs=1M count=${writeMiB}; dd if=/dev/urandom of=${root} bs=1M count=${writeMiB}' >/dev/null 2>&1 &`;
}

export async function startUnsyncedWrites(ctx: StepContext, writeMiB: number): Promise<void> {
  await ctx.step(`start writing ${writeMiB} MiB without syncing`, () =>
    ctx.shell.expectSuccess(unsyncedWriterCommand(writeMiB), { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal }),
  );
}
