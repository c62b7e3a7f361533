/**
 * The blog's install as data (COMMON.md interface 4): from the plan, the ordered commands of each
 * phase, exactly as the harness sends them. install.ts executes these lists and the runbook prints
 * them, so what a person reads is what the VM ran. Pure functions; secrets never appear here
 * (commands that need one read it on stdin, named by `stdin.secret`).
 *
 * @example
 * installCommands(plan, debianDriver).map((c) => c.command)[0]
 * // 'sfdisk --wipe always --wipe-partitions always /dev/nvme0n1'
 */
import type { Plan } from '../scenario/plan.ts';
import type { GuestDriver } from '../guests/guest.ts';
import type { ProcedureCommand } from '../guests/procedure-command.ts';

export type { ProcedureCommand, SecretKind } from '../guests/procedure-command.ts';
export { executeCommand, executeCommands, secretInput, writeFileCommand } from '../guests/procedure-command.ts';

/** The install phases in the order the runner runs them (persist is the recipe's, after these). */
export const INSTALL_PHASES = ['partition', 'encrypt', 'format', 'subvolumes', 'mount', 'configure', 'install'] as const;
export type InstallPhase = (typeof INSTALL_PHASES)[number];

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

export function partitionCommands(plan: Plan): ProcedureCommand[] {
  const disk = plan.disk.device;
  return [
    { phase: 'partition', name: `sfdisk ${disk}`, command: `sfdisk --wipe always --wipe-partitions always ${disk}`, input: sfdiskScript(plan), note: 'GPT: the ESP, swap, then the rest for LUKS' },
    {
      phase: 'partition', name: 'wait for the partitions', command: `test -b ${partitionPath(disk, 3)}`,
      // The kernel re-reads the table; wait for the node rather than guess a delay.
      until: { intervalMs: 200, what: `the partition ${partitionPath(disk, 3)} to appear` },
      note: 'tried again until the kernel shows the new partitions',
    },
  ];
}

export function encryptCommands(plan: Plan): ProcedureCommand[] {
  const { luks } = plan;
  const dev = partitionPath(plan.disk.device, 3);
  return [
    { phase: 'encrypt', name: 'cryptsetup luksFormat', command: luksFormatCommand(plan), stdin: { secret: 'passphrase' } },
    { phase: 'encrypt', name: `cryptsetup open ${dev} ${luks.mapping}`, command: `cryptsetup open --key-file - ${dev} ${luks.mapping}`, stdin: { secret: 'passphrase' } },
  ];
}

export function formatCommands(plan: Plan): ProcedureCommand[] {
  const d = plan.disk.device;
  const c = (name: string, command: string): ProcedureCommand => ({ phase: 'format', name, command });
  return [
    c('mkfs.vfat', `mkfs.vfat -n ${plan.partitions.espLabel} ${partitionPath(d, 1)}`),
    c('mkswap', `mkswap ${partitionPath(d, 2)}`),
    c('swapon', `swapon ${partitionPath(d, 2)}`),
    c('mkfs.btrfs', `mkfs.btrfs -f /dev/mapper/${plan.luks.mapping}`),
  ];
}

export function subvolumeCommands(plan: Plan): ProcedureCommand[] {
  const { btrfs, luks } = plan;
  const c = (name: string, command: string, note?: string): ProcedureCommand => ({ phase: 'subvolumes', name, command, ...(note && { note }) });
  return [
    c('mount the btrfs top', `mount -t btrfs /dev/mapper/${luks.mapping} /mnt`),
    ...btrfs.subvolumes.map((sv) => c(`subvolume ${sv.name}`, `btrfs subvolume create /mnt/${sv.name}`)),
    c(`read-only snapshot ${btrfs.blankSnapshot}`, `btrfs subvolume snapshot -r /mnt/root /mnt/${btrfs.blankSnapshot}`, 'the empty root every boot rolls back to'),
    c('umount /mnt', 'umount /mnt'),
  ];
}

export function mountPhaseCommands(plan: Plan): ProcedureCommand[] {
  return mountCommands(plan).map((command) => ({ phase: 'mount', name: command, command }));
}

/** The guest's configure phase: generate the hardware config, write the configuration files. */
export function configureCommands(plan: Plan, driver: GuestDriver): ProcedureCommand[] {
  return driver.configureCommands(plan);
}

/** The install phase: the guest's install, then the user's password. */
export function installPhaseCommands(plan: Plan, driver: GuestDriver): ProcedureCommand[] {
  // `passwd`: the blog's `passwd delta` on the first boot instead (state.ts), not declared here.
  return [...driver.installCommands(plan), ...(plan.user.passwordVia === 'passwd' ? [] : driver.passwordCommands(plan))];
}

/** Every install phase's commands, by phase, in order. */
export function commandsByPhase(plan: Plan, driver: GuestDriver): Record<InstallPhase, ProcedureCommand[]> {
  return {
    partition: partitionCommands(plan),
    encrypt: encryptCommands(plan),
    format: formatCommands(plan),
    subvolumes: subvolumeCommands(plan),
    mount: mountPhaseCommands(plan),
    configure: configureCommands(plan, driver),
    install: installPhaseCommands(plan, driver),
  };
}

/** All install commands in order (partition to password). */
export function installCommands(plan: Plan, driver: GuestDriver): ProcedureCommand[] {
  const by = commandsByPhase(plan, driver);
  return INSTALL_PHASES.flatMap((p) => by[p]);
}

/**
 * What the runner runs after the persist phase to leave the installer: unmount, swap off, close
 * LUKS (the blog reboots instead). The runner's power-off-installer step sends this.
 */
export function closeInstallerCommand(plan: Plan): ProcedureCommand {
  return {
    phase: 'power-off-installer', name: 'unmount and close enc',
    command: `sync && umount ${unmountOrder(plan).join(' ')} && swapoff -a && cryptsetup close ${plan.luks.mapping}`,
  };
}
