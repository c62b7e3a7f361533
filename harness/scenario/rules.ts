/**
 * What the schema cannot see key by key: guests and their kernels, guest-only options, partitions
 * that must fit the disk, secrets that must differ, a btrfs layout with a root. Each failure is one
 * `ScenarioError` at the key it is about.
 */
import * as D from './defaults.ts';
import type { GuestName } from './plan.ts';
import { showValue, type KeyPath, type SourceFile } from './positions.ts';
import type { ScenarioInput } from './schema.ts';
import { formatMiB } from './units.ts';

/**
 * The guest's own name for a kernel (`default` on debian is `bookworm`), or undefined.
 * @example resolveKernel('debian', 'latest') // 'backports'
 */
export function resolveKernel(guest: GuestName, kernel: string): string | undefined {
  const known = D.KERNELS[guest];
  if (known.names.includes(kernel)) return kernel;
  return known.aliases[kernel];
}

/** `nixos (default, latest)`, for messages. */
export function kernelChoices(guest: GuestName): string {
  const known = D.KERNELS[guest];
  return `${guest} (${[...known.names, ...Object.keys(known.aliases)].join(', ')})`;
}

/** The kernels a scenario lists, from `kernels:`, `kernel:` or the default. */
export function scenarioKernels(input: Pick<ScenarioInput, 'kernel' | 'kernels'>): string[] {
  return input.kernels ?? (input.kernel ? [input.kernel] : [...D.DEFAULT_KERNELS]);
}

/** Throws the first cross-key problem of a schema-valid scenario. */
export function checkAcrossKeys(source: SourceFile, input: ScenarioInput): void {
  checkGuests(source, input);
  checkKernels(source, input);
  checkPartitions(source, input);
  checkSecrets(source, input);
  checkBtrfs(source, input);
  checkExpectations(source, input);
  checkFrom(source, input);
  checkCommands(source, input);
  checkRollbackUnit(source, input);
}

/** A deviation mends one of the scenario's commands, and an expected command failure names one. */
function checkCommands(source: SourceFile, input: ScenarioInput): void {
  const listed = persistCommandsOf(input);
  input.deviations?.forEach((d, i) => {
    if (listed.includes(d.blog)) return;
    throw source.error(`Expected \`deviations[${i}].blog\` to be one of the persist commands, got ${showValue(d.blog)}`, ['deviations', i, 'blog']);
  });
  const mended = applyDeviations(listed, input.deviations ?? []);
  input.expect?.commands?.forEach((c, i) => {
    if (mended.includes(c.command)) return;
    throw source.error(`Expected \`expect.commands[${i}].command\` to be one of the persist commands, got ${showValue(c.command)}`, [
      'expect',
      'commands',
      i,
      'command',
    ]);
  });
}

/** The persist commands before deviations: the scenario's, else the blog's, then `extraPersist`'s. */
export function persistCommandsOf(input: Pick<ScenarioInput, 'persist' | 'extraPersist'>): string[] {
  return [...(input.persist?.commands ?? D.DEFAULT_PERSIST_COMMANDS), ...(input.extraPersist?.commands ?? [])];
}

/** Each deviation's `blog` command replaced by its `instead`. */
export function applyDeviations(commands: readonly string[], deviations: readonly { blog: string; instead: string }[]): string[] {
  return commands.map((c) => deviations.find((d) => d.blog === c)?.instead ?? c);
}

/** A unit of one's own is what systemd stage 1 runs; the scripted stage 1 has no units. */
function checkRollbackUnit(source: SourceFile, input: ScenarioInput): void {
  if (typeof input.rollback !== 'object') return;
  if (input.rollback.script === undefined && input.rollback.unit === undefined) {
    throw source.error('Expected `rollback` to name a `script`, a `unit` or both, got an empty mapping', ['rollback']);
  }
  if (input.rollback.unit !== undefined && input.initrd !== 'systemd') {
    throw source.error(
      `Expected \`initrd: systemd\` with \`rollback.unit\`: a unit runs in systemd stage 1, and this scenario has \`initrd: ${input.initrd ?? 'scripted'}\``,
      ['rollback', 'unit'],
    );
  }
}

function checkGuests(source: SourceFile, { guests, nixos }: ScenarioInput): void {
  const twice = guests.findIndex((g, i) => guests.indexOf(g) !== i);
  if (twice >= 0) {
    throw source.error(`Expected \`guests\` to list each guest once, got \`${guests[twice]}\` twice`, ['guests', twice]);
  }
  checkOwnNixos(source, guests, nixos);
  if (guests.includes('nixos')) return;
  const runsOn = `this scenario runs on ${guests.join(', ')}`;
  if (nixos !== undefined) {
    throw source.error(`Expected no \`nixos\` settings: they apply to the nixos guest only, and ${runsOn}`, ['nixos']);
  }
}

/**
 * The user's own NixOS configuration or flake: one of the two, never on the debian stand-in
 * (it would run the blog's procedure, not their configuration, and pass for it).
 */
function checkOwnNixos(source: SourceFile, guests: ScenarioInput['guests'], nixos: ScenarioInput['nixos']): void {
  if (!nixos) return;
  const own = nixos.configuration !== undefined ? 'configuration' : nixos.flake !== undefined ? 'flake' : undefined;
  if (nixos.configuration !== undefined && nixos.flake !== undefined) {
    throw source.error('Expected either `nixos.configuration` or `nixos.flake`, got both', ['nixos', 'flake']);
  }
  if (nixos.optIn !== undefined && own !== 'configuration') {
    throw source.error('Expected `nixos.optIn` only with `nixos.configuration` (the harness adds its opt-in module to a configuration of yours; a flake brings its own)', ['nixos', 'optIn']);
  }
  if (own === undefined) return;
  if (guests.includes('debian')) {
    throw source.error(
      `Expected \`guests\` to be \`[nixos]\` with \`nixos.${own}\`: the debian stand-in cannot run a NixOS configuration of your own, got ${showValue(guests)}`,
      ['nixos', own],
    );
  }
  if (own === 'flake' && nixos.offlineInstall) {
    throw source.error('Expected no `nixos.offlineInstall` with `nixos.flake`: a flake installs with its own inputs, from the binary cache', ['nixos', 'offlineInstall']);
  }
}

/** Every listed kernel must exist for some guest, and every guest must get a kernel. */
function checkKernels(source: SourceFile, input: ScenarioInput): void {
  if (input.kernel !== undefined && input.kernels !== undefined) {
    throw source.error('Expected either `kernel` or `kernels`, got both', ['kernel']);
  }
  const kernels = scenarioKernels(input);
  const key = input.kernels ? 'kernels' : 'kernel';
  const keyAt: KeyPath = input.kernels || input.kernel ? [key] : [];
  kernels.forEach((kernel, i) => {
    if (input.guests.some((g) => resolveKernel(g, kernel))) return;
    const name = input.kernels ? `kernels[${i}]` : 'kernel';
    const choices = input.guests.map(kernelChoices).join('; ');
    const at = input.kernels ? ['kernels', i] : keyAt;
    throw source.error(`Expected \`${name}\` to be a kernel of ${choices}, got \`${kernel}\``, at);
  });
  for (const guest of input.guests) {
    if (kernels.some((k) => resolveKernel(guest, k))) continue;
    throw source.error(`Expected \`${key}\` to name a kernel for ${kernelChoices(guest)}, got ${showValue(kernels)}`, keyAt);
  }
}

/** p1 ESP + p2 swap + p3 LUKS/btrfs (at least `MIN_BTRFS_MIB`) + the partition table. */
function checkPartitions(source: SourceFile, input: ScenarioInput): void {
  const diskMiB = input.disk?.size ?? D.DEFAULT_DISK.sizeMiB;
  const espMiB = input.partitions?.esp ?? D.DEFAULT_PARTITIONS.espMiB;
  const swapMiB = input.partitions?.swap ?? D.DEFAULT_PARTITIONS.swapMiB;
  const needMiB = espMiB + swapMiB + D.MIN_BTRFS_MIB + D.PARTITION_TABLE_OVERHEAD_MIB;
  if (needMiB <= diskMiB) return;
  const parts =
    `ESP ${formatMiB(espMiB)}, swap ${formatMiB(swapMiB)}, at least ${formatMiB(D.MIN_BTRFS_MIB)} for btrfs ` +
    `and ${D.PARTITION_TABLE_OVERHEAD_MIB} MiB for the partition table`;
  throw source.error(
    `Partitions need ${formatMiB(needMiB)} (${parts}) but the disk is ${formatMiB(diskMiB)}`,
    input.partitions ? ['partitions'] : ['disk', 'size'],
  );
}

/** A "wrong" passphrase equal to the right one would unlock the disk and break the scenario. */
function checkSecrets(source: SourceFile, input: ScenarioInput): void {
  const passphrase = input.luks?.passphrase ?? D.DEFAULT_LUKS.passphrase;
  input.luks?.wrongPassphrases?.forEach((wrong, i) => {
    if (wrong !== passphrase) return;
    throw source.error(
      `Expected \`luks.wrongPassphrases[${i}]\` to differ from \`luks.passphrase\`, got the same secret`,
      ['luks', 'wrongPassphrases', i],
    );
  });
}

function checkBtrfs(source: SourceFile, input: ScenarioInput): void {
  const subvolumes = input.btrfs?.subvolumes;
  if (subvolumes && !subvolumes.some((s) => s.mountPoint === '/')) {
    throw source.error('Expected `btrfs.subvolumes` to mount one subvolume at `/`, got none', ['btrfs', 'subvolumes']);
  }
  subvolumes?.forEach((s, i) => {
    if (subvolumes.findIndex((t) => t.name === s.name || t.mountPoint === s.mountPoint) === i) return;
    throw source.error(
      `Expected \`btrfs.subvolumes[${i}]\` to have its own name and mount point, got \`${s.name}\` at \`${s.mountPoint}\` again`,
      ['btrfs', 'subvolumes', i],
    );
  });
  const blank = input.btrfs?.blankSnapshot;
  if (blank !== undefined && (subvolumes ?? D.DEFAULT_SUBVOLUMES).some((s) => s.name === blank)) {
    throw source.error(`Expected \`btrfs.blankSnapshot\` to differ from every subvolume's name, got \`${blank}\``, [
      'btrfs',
      'blankSnapshot',
    ]);
  }
}

/** A skipped check cannot also be expected to fail. */
function checkExpectations(source: SourceFile, input: ScenarioInput): void {
  const expected = (input.expect?.failures ?? []).map((f) => f.id);
  input.expect?.failures?.forEach((f, i) => {
    if (expected.indexOf(f.id) === i) return;
    throw source.error(`Expected \`expect.failures[${i}].id\` to name a check once, got \`${f.id}\` again`, ['expect', 'failures', i, 'id']);
  });
  input.skip?.forEach((skip, i) => {
    if (!expected.includes(skip.check)) return;
    throw source.error(`Expected \`skip[${i}].check\` to be a check not in \`expect.failures\`, got \`${skip.check}\``, [
      'skip',
      i,
      'check',
    ]);
  });
}

/**
 * `@first-boot` resumes after the first boot wrote its state and canaries: what a scenario would
 * do in that boot (or instead of the reboot after it) cannot apply to a run that starts later.
 */
function checkFrom(source: SourceFile, input: ScenarioInput): void {
  if (!input.from?.endsWith('@first-boot')) return;
  const firstBootKeys = [
    ['canaries', 'canaries are written in the first boot'],
    ['serviceState', 'service state is written in the first boot'],
    ['powerCut', 'the power cut replaces the reboot after the first boot'],
  ] as const;
  for (const [key, why] of firstBootKeys) {
    if (input[key] === undefined) continue;
    throw source.error(
      `Expected no \`${key}\` with \`from: ${input.from}\`: ${why}, which the checkpoint has already done (start from \`@installed\` instead)`,
      [key],
    );
  }
}
