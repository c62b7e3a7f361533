/**
 * Installed-disk checkpoints: after a clean power-off at the end of the install, the NVMe disk
 * and the OVMF vars are kept in the cache under a key of everything that shaped them. A scenario
 * with `from: <scenario>@installed` boots qcow2 overlays on them (the base is never written).
 */
import { createHash } from 'node:crypto';
import { copyFile, chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { Plan } from '../scenario/plan.ts';
import { expandPlans, loadScenario } from '../scenario/index.ts';
import { ScenarioError, InfraError } from '../errors.ts';

export const CHECKPOINT_DISK = 'nvme0.qcow2';
export const CHECKPOINT_VARS = 'OVMF_VARS.fd';

/**
 * What shapes the installed disk. Secrets enter only as a hash (the key is a folder name).
 * Checks, canaries, timeouts and expectations do not: they act after the install.
 */
export function checkpointKey(plan: Plan, imageKey: string): string {
  const shaping = {
    v: 1,
    imageKey,
    guest: plan.guest,
    kernel: plan.kernel.name,
    hostname: plan.hostname,
    disk: plan.disk,
    partitions: plan.partitions,
    luks: { ...plan.luks, wrongPassphrases: undefined, passphrase: sha(plan.luks.passphrase) },
    btrfs: plan.btrfs,
    user: { name: plan.user.name, password: sha(plan.user.password) },
    rollback: plan.rollback.kind === 'script' ? { kind: 'script', source: plan.rollback.source } : plan.rollback,
    initrd: plan.initrd,
    persist: plan.persist,
    nixosExtraConfig: plan.nixosExtraConfig,
    profile: { smbios: plan.profile.smbios, nvmeSerial: plan.profile.nvmeSerial },
    vm: { bootMedium: plan.vm.bootMedium },
  };
  return `${plan.name}-installed-${sha(JSON.stringify(shaping)).slice(0, 16)}`;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The plan whose install a `from:` scenario starts from (same guest and kernel). */
export async function basePlanOf(plan: Plan): Promise<Plan> {
  if (!plan.from) throw new InfraError(`${plan.name} has no from:`);
  const file = join(dirname(plan.file), `${plan.from.scenario}.yaml`);
  const scenario = await loadScenario(file).catch((e: unknown) => {
    throw new ScenarioError(`from: ${plan.from!.scenario}@installed: cannot load ${file}: ${e instanceof Error ? e.message : String(e)}`, plan.file);
  });
  // The base's install with this run's kernel: a kernel matrix shares the base's procedure.
  const base = expandPlans(scenario, { guest: plan.guest, kernel: plan.kernel.name })[0];
  if (!base) throw new ScenarioError(`from: ${plan.from.scenario} has no run for ${plan.guest}/${plan.kernel.name}`, plan.file);
  if (base.from) throw new ScenarioError(`from: ${plan.from.scenario} itself starts from a checkpoint; chains are not supported`, plan.file);
  return base;
}

/**
 * The plan a `from:` run boots with: the base's install (disk, LUKS, btrfs, user, opt-in
 * configuration), and this scenario's own boots and checks (wrong passphrases, canaries,
 * expectations, timeouts).
 */
export function mergeOntoBase(plan: Plan, base: Plan): Plan {
  return {
    ...plan,
    hostname: base.hostname,
    disk: base.disk,
    partitions: base.partitions,
    luks: { ...base.luks, wrongPassphrases: plan.luks.wrongPassphrases },
    btrfs: base.btrfs,
    user: base.user,
    rollback: base.rollback,
    initrd: base.initrd,
    persist: base.persist,
    nixosExtraConfig: base.nixosExtraConfig,
    secrets: [...new Set([...plan.secrets, ...base.secrets])],
  };
}

/** Copies a disk image keeping it sparse (a 4 GiB qcow2 holds a few hundred MB). */
export async function saveCheckpoint(disk: string, vars: string, out: string): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(out, { recursive: true, mode: 0o700 });
  const r = await execa('cp', ['--sparse=always', disk, join(out, CHECKPOINT_DISK)], { reject: false });
  if (r.exitCode !== 0) throw new InfraError(`Could not copy the disk into the checkpoint: ${r.stderr}`);
  await copyFile(vars, join(out, CHECKPOINT_VARS));
  // The base must never be written: overlays read it, and a write would corrupt them all.
  await chmod(join(out, CHECKPOINT_DISK), 0o400);
  await chmod(join(out, CHECKPOINT_VARS), 0o400);
}
