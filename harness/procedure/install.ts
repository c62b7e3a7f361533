/**
 * The blog's install, as named phases run on the installer over SSH: partition, encrypt, format,
 * subvolumes, mount, configure, install, persist. The commands, options and order are the blog's;
 * the passphrase and passwords travel on stdin only, never in a command line.
 */
import type { Plan } from '../scenario/plan.ts';
import { shQuote } from '../util/shell.ts';
import { untilSucceeds } from '../channels/shell.ts';
import { persistPairs } from './persist-pairs.ts';
import type { StepContext } from './context.ts';

export interface Phase {
  name: string;
  run(ctx: StepContext): Promise<void>;
}

/** `/dev/nvme0n1` + 3 -> `/dev/nvme0n1p3` (NVMe and MMC names need the `p`). */
export function partitionPath(device: string, n: number): string {
  return /\d$/.test(device) ? `${device}p${n}` : `${device}${n}`;
}

/** The sfdisk script: GPT, p1 ESP, p2 swap, p3 the rest. */
export function sfdiskScript(plan: Plan): string {
  const p = plan.partitions;
  return [
    'label: gpt',
    `size=${p.espMiB}MiB, type=U, name="${p.espLabel}"`,
    `size=${p.swapMiB}MiB, type=S, name="swap"`,
    'type=L, name="enc"',
    '',
  ].join('\n');
}

export function luksFormatCommand(plan: Plan): string {
  const l = plan.luks;
  const dev = partitionPath(plan.disk.device, 3);
  // --key-file - reads the passphrase from stdin; the blog's --verify-passphrase is the
  // interactive form of the same thing.
  return `cryptsetup --batch-mode -v luksFormat --type luks2 --pbkdf ${l.pbkdf} --iter-time ${l.iterTimeMs} --key-file - ${dev}`;
}

/** The mount commands in the blog's order: root first, then each subvolume, then /boot. */
export function mountCommands(plan: Plan, root = '/mnt'): string[] {
  const map = `/dev/mapper/${plan.luks.mapping}`;
  const opts = (name: string) => [`subvol=${name}`, ...plan.btrfs.mountOptions].join(',');
  const cmds: string[] = [];
  for (const sv of plan.btrfs.subvolumes) {
    const target = sv.mountPoint === '/' ? root : `${root}${sv.mountPoint}`;
    if (sv.mountPoint !== '/') cmds.push(`mkdir -p ${target}`);
    cmds.push(`mount -o ${opts(sv.name)} ${map} ${target}`);
  }
  cmds.push(`mkdir -p ${root}/boot`, `mount ${partitionPath(plan.disk.device, 1)} ${root}/boot`);
  return cmds;
}

/** The mount points of mountCommands, deepest first (busybox umount has no -R). */
export function unmountOrder(plan: Plan, root = '/mnt'): string[] {
  const points = [root, ...plan.btrfs.subvolumes.filter((s) => s.mountPoint !== '/').map((s) => `${root}${s.mountPoint}`), `${root}/boot`];
  return points.sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
}

async function sh(ctx: StepContext, name: string, command: string, stdin?: string): Promise<string> {
  return ctx.step(name, () => ctx.shell.expectSuccess(command, { stdin, timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal }));
}

export const installPhases: Phase[] = [
  {
    name: 'partition',
    async run(ctx) {
      const disk = ctx.plan.disk.device;
      await sh(ctx, `sfdisk ${disk}`, `sfdisk --wipe always --wipe-partitions always ${disk}`, sfdiskScript(ctx.plan));
      // The kernel re-reads the table; wait for the nodes rather than guess a delay.
      await ctx.step('wait for the partitions', () =>
        untilSucceeds(ctx.shell, `test -b ${partitionPath(disk, 3)}`, { timeoutMs: ctx.plan.timeouts.commandMs, intervalMs: 200, what: `the partition ${partitionPath(disk, 3)} to appear`, signal: ctx.signal }),
      );
    },
  },
  {
    name: 'encrypt',
    async run(ctx) {
      const { luks } = ctx.plan;
      const dev = partitionPath(ctx.plan.disk.device, 3);
      await sh(ctx, 'cryptsetup luksFormat', luksFormatCommand(ctx.plan), luks.passphrase);
      await sh(ctx, `cryptsetup open ${dev} ${luks.mapping}`, `cryptsetup open --key-file - ${dev} ${luks.mapping}`, luks.passphrase);
    },
  },
  {
    name: 'format',
    async run(ctx) {
      const d = ctx.plan.disk.device;
      await sh(ctx, 'mkfs.vfat', `mkfs.vfat -n ${ctx.plan.partitions.espLabel} ${partitionPath(d, 1)}`);
      await sh(ctx, 'mkswap', `mkswap ${partitionPath(d, 2)}`);
      await sh(ctx, 'swapon', `swapon ${partitionPath(d, 2)}`);
      await sh(ctx, 'mkfs.btrfs', `mkfs.btrfs -f /dev/mapper/${ctx.plan.luks.mapping}`);
    },
  },
  {
    name: 'subvolumes',
    async run(ctx) {
      const { btrfs, luks } = ctx.plan;
      await sh(ctx, 'mount the btrfs top', `mount -t btrfs /dev/mapper/${luks.mapping} /mnt`);
      for (const sv of btrfs.subvolumes) await sh(ctx, `subvolume ${sv.name}`, `btrfs subvolume create /mnt/${sv.name}`);
      await sh(ctx, `read-only snapshot ${btrfs.blankSnapshot}`, `btrfs subvolume snapshot -r /mnt/root /mnt/${btrfs.blankSnapshot}`);
      await sh(ctx, 'umount /mnt', 'umount /mnt');
    },
  },
  {
    name: 'mount',
    async run(ctx) {
      for (const cmd of mountCommands(ctx.plan)) await sh(ctx, cmd, cmd);
    },
  },
  {
    name: 'configure',
    async run(ctx) {
      await ctx.step(`generate and write the ${ctx.driver.name} configuration`, () => ctx.driver.writeConfig(ctx.shell, ctx.plan, ctx.signal));
    },
  },
  {
    name: 'install',
    async run(ctx) {
      await ctx.step(`install ${ctx.driver.name}`, () => ctx.driver.install(ctx.shell, ctx.plan, ctx.signal));
      await ctx.step(`set the password of ${ctx.plan.user.name}`, () => ctx.driver.setPassword(ctx.shell, ctx.plan, ctx.signal));
    },
  },
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
