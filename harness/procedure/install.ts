/**
 * The blog's install, as named phases run on the installer over SSH: partition, encrypt, format,
 * subvolumes, mount, configure, install. Nothing is copied into /persist here: the blog copies
 * on the booted system, after its first boot (state.ts). The commands, options and order are the
 * blog's; the passphrase and passwords travel on stdin only, never in a command line.
 */
import { commandsByPhase, executeCommand, INSTALL_PHASES, type InstallPhase, type ProcedureCommand } from './commands.ts';
import type { StepContext } from './context.ts';

export interface Phase {
  name: string;
  run(ctx: StepContext): Promise<void>;
}

export { luksFormatCommand, mountCommands, partitionPath, sfdiskScript, unmountOrder } from './commands.ts';

/** Executes a phase's list, one timed step per command; the driver judges what it looks at. */
async function runList(ctx: StepContext, commands: readonly ProcedureCommand[]): Promise<void> {
  for (const c of commands) {
    await ctx.step(c.name, async () => {
      const out = await executeCommand(ctx.shell, ctx.plan, c, ctx.signal);
      ctx.driver.inspect?.(c, out, ctx.plan);
    });
  }
}

/** A phase that runs exactly its list from commands.ts (install: after the driver's host-side preparation). */
function listPhase(name: InstallPhase): Phase {
  return {
    name,
    async run(ctx) {
      const prepare = ctx.driver.prepareInstall;
      if (name === 'install' && prepare) await ctx.step('prepare the install', () => prepare(ctx.shell, ctx.plan, ctx.signal));
      await runList(ctx, commandsByPhase(ctx.plan, ctx.driver)[name]);
    },
  };
}

export const installPhases: Phase[] = INSTALL_PHASES.map(listPhase);
