/**
 * Checkpoints: with the machine off, the NVMe disk and the OVMF vars are kept in the cache under a
 * key of everything that shaped them. `installed` is taken after the install's clean power-off;
 * `first-boot` after the first boot persisted state, wrote the canaries and rebooted (the guest
 * shut itself down), with the facts that boot recorded beside it. A scenario with
 * `from: <scenario>@<stage>` boots qcow2 overlays on them (the base is never written).
 */
import { createHash } from 'node:crypto';
import { copyFile, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { CheckpointStage, Plan } from '../scenario/plan.ts';
import type { Facts } from '../procedure/context.ts';
import { InfraError } from '../errors.ts';
import { luksFormatCommand, mountCommands, sfdiskScript } from '../procedure/install.ts';
import { closeInstallationCommand } from '../procedure/finish-install.ts';

export const CHECKPOINT_DISK = 'nvme0.qcow2';
export const CHECKPOINT_VARS = 'OVMF_VARS.fd';
/** first-boot only: what that boot recorded, for the checks after the reboot. */
export const CHECKPOINT_FACTS = 'facts.json';

/** The files a checkpoint of this stage holds. */
export function checkpointFiles(stage: CheckpointStage): string[] {
  return stage === 'first-boot' ? [CHECKPOINT_DISK, CHECKPOINT_VARS, CHECKPOINT_FACTS] : [CHECKPOINT_DISK, CHECKPOINT_VARS];
}

/**
 * What went onto the disk besides the plan's settings: the configuration files the harness wrote
 * (the generated rollback among them) and the install's commands. A harness change to any of
 * them changes the key, so a disk made by older code is never booted as if made by this one.
 */
export interface WrittenToDisk {
  configFiles: Record<string, string>;
  commands: string[];
}

/** The install's commands as the procedure generates them for this plan. */
export function installCommands(plan: Plan): string[] {
  return [sfdiskScript(plan), luksFormatCommand(plan), ...mountCommands(plan), closeInstallationCommand(plan)];
}

/**
 * What shapes the disk at that stage. Secrets enter only as a hash (the key is a folder name).
 * Checks, timeouts and expectations never do; canaries and service state only from the first
 * boot on, since that boot writes them.
 */
export function checkpointKey(plan: Plan, imageKey: string, stage: CheckpointStage, written: WrittenToDisk): string {
  const shaping = {
    // 4: first-boot facts say which boots had the opt-in configuration (stage1[].optedIn).
    v: 4, // 3: the install writes the minimal configuration, the opt-in one comes on the first boot
    imageKey,
    written: sha(JSON.stringify([Object.entries(written.configFiles).sort(([a], [b]) => a.localeCompare(b)), written.commands])),
    guest: plan.guest,
    kernel: plan.kernel.name,
    hostname: plan.hostname,
    disk: plan.disk,
    partitions: plan.partitions,
    luks: { ...plan.luks, wrongPassphrases: undefined, passphrase: sha(plan.luks.passphrase) },
    btrfs: plan.btrfs,
    user: { name: plan.user.name, password: sha(plan.user.password), passwordVia: plan.user.passwordVia },
    rollback: plan.rollback.kind === 'script' ? { kind: 'script', source: plan.rollback.source } : plan.rollback,
    initrd: plan.initrd,
    persist: plan.persist,
    nixosExtraConfig: plan.nixosExtraConfig,
    ...(plan.nixosOwn && { nixosOwn: plan.nixosOwn }),
    profile: { smbios: plan.profile.smbios, nvmeSerial: plan.profile.nvmeSerial },
    vm: { bootMedium: plan.vm.bootMedium },
    ...(stage === 'first-boot' && { stage, serviceState: plan.serviceState, canaries: plan.canaries }),
  };
  return `${plan.name}-${stage}-${sha(JSON.stringify(shaping)).slice(0, 16)}`;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Copies a disk image keeping it sparse (a 4 GiB qcow2 holds a few hundred MB), the vars, and
 * for `first-boot` the facts (no secret is among them: hashes, ids, a random canary token).
 */
export async function saveCheckpoint(disk: string, vars: string, out: string, facts?: Facts): Promise<void> {
  await mkdir(out, { recursive: true, mode: 0o700 });
  const r = await execa('cp', ['--sparse=always', disk, join(out, CHECKPOINT_DISK)], { reject: false });
  if (r.exitCode !== 0) throw new InfraError(`Could not copy the disk into the checkpoint: ${r.stderr}`);
  await copyFile(vars, join(out, CHECKPOINT_VARS));
  // The base must never be written: overlays read it, and a write would corrupt them all.
  await chmod(join(out, CHECKPOINT_DISK), 0o400);
  await chmod(join(out, CHECKPOINT_VARS), 0o400);
  if (facts) await writeFile(join(out, CHECKPOINT_FACTS), `${JSON.stringify(factsToKeep(facts), null, 2)}\n`, { mode: 0o400 });
}

/** What a first-boot checkpoint's facts carry into the run that resumes from it. */
export function factsToKeep(facts: Facts): Facts {
  const { canaryToken, before, stage1, expectedKernel, canaries, serviceFiles, persisted, kernelLogs } = facts;
  return { canaryToken, before, stage1, expectedKernel, canaries, serviceFiles, persisted, kernelLogs };
}

/** The facts of a first-boot checkpoint; earlier boots' kernel logs are labelled as the base's. */
export async function loadCheckpointFacts(dir: string, base: string): Promise<Facts> {
  const file = join(dir, CHECKPOINT_FACTS);
  let facts: Facts;
  try {
    facts = JSON.parse(await readFile(file, 'utf8')) as Facts;
  } catch (e) {
    throw new InfraError(`The checkpoint's facts (${file}) are unreadable: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!facts.canaryToken || !facts.before) throw new InfraError(`The checkpoint's facts (${file}) lack the canary token or what the checks recorded before the reboot`);
  facts.kernelLogs = (facts.kernelLogs ?? []).map((l) => ({ ...l, label: l.label ?? `${base} boot ${l.boot} (checkpoint)` }));
  return facts;
}
