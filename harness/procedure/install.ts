/**
 * The blog's install, as named phases run on the installer over SSH: partition, encrypt, format,
 * subvolumes, mount, configure, install, persist. The commands, options and order are the blog's;
 * the passphrase and passwords travel on stdin only, never in a command line.
 */
import { shQuote } from '../util/shell.ts';
import { persistPairs } from './persist-pairs.ts';
import { commandsByPhase, executeCommand, INSTALL_PHASES, type InstallPhase, type ProcedureCommand } from './commands.ts';
import type { StepContext } from './context.ts';

export interface Phase {
  name: string;
  run(ctx: StepContext): Promise<void>;
}

export { luksFormatCommand, mountCommands, partitionPath, sfdiskScript, unmountOrder } from './commands.ts';

async function sh(ctx: StepContext, name: string, command: string, stdin?: string): Promise<string> {
  return ctx.step(name, () => ctx.shell.expectSuccess(command, { stdin, timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal }));
}

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

export const installPhases: Phase[] = [
  ...INSTALL_PHASES.map(listPhase),
  {
    name: 'persist',
    async run(ctx) {
      ctx.facts.persisted = await persistOnInstaller(ctx);
    },
  },
];

/**
 * Before the first boot, copy into /persist what the opt-in configuration links to and what
 * exists already (the configuration, machine-id, adjtime). machine-id is made here if the
 * install did not make one, so every boot of the system has the same one from the start.
 */
async function persistOnInstaller(ctx: StepContext): Promise<string[]> {
  const done: string[] = [];
  for (const pair of persistPairs(ctx.plan.persist, (n) => ctx.driver.etcEntry(n))) {
    const live = `/mnt${pair.live}`;
    const kept = `/mnt${pair.kept}`;
    const parent = kept.replace(/\/[^/]+$/, '');
    const r = await ctx.shell.run(
      `if [ -e ${shQuote(live)} ] && [ ! -L ${shQuote(live)} ]; then mkdir -p ${shQuote(parent)} && cp -a ${shQuote(live)} ${shQuote(kept)} && echo copied; ` +
        `else mkdir -p ${shQuote(parent)} && echo absent; fi`,
      { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal },
    );
    if (r.stdout.includes('copied')) done.push(pair.live);
  }
  const machineId = persistPairs(ctx.plan.persist, (n) => ctx.driver.etcEntry(n)).find((p) => p.live === '/etc/machine-id');
  if (machineId && !done.includes('/etc/machine-id')) {
    await sh(ctx, 'make a machine-id', `tr -d '-' < /proc/sys/kernel/random/uuid > ${shQuote(`/mnt${machineId.kept}`)}`);
    done.push('/etc/machine-id');
  }
  // The connections folder must exist for NetworkManager to save into through the link.
  const conns = persistPairs(ctx.plan.persist, (n) => ctx.driver.etcEntry(n)).find((p) => p.live === '/etc/NetworkManager/system-connections');
  if (conns) await sh(ctx, 'connections folder', `mkdir -p ${shQuote(`/mnt${conns.kept}`)} && chmod 700 ${shQuote(`/mnt${conns.kept}`)}`);
  await sh(ctx, 'sync', 'sync');
  return done;
}
