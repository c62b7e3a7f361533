/**
 * Checkpoints: with the machine off, the NVMe disk and the OVMF vars are kept in the cache under a
 * key of everything that shaped them. `installed` is taken after the install's clean power-off;
 * `first-boot` after the first boot persisted state, wrote the canaries and rebooted (the guest
 * shut itself down), with the facts that boot recorded beside it. A scenario with
 * `from: <scenario>@<stage>` boots qcow2 overlays on them (the base is never written).
 */
import { createHash } from 'node:crypto';
import { copyFile, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { CheckpointStage, Plan } from '../scenario/plan.ts';
import type { Facts } from '../procedure/context.ts';
import { expandPlans, loadScenario } from '../scenario/index.ts';
import { ScenarioError, InfraError } from '../errors.ts';

export const CHECKPOINT_DISK = 'nvme0.qcow2';
export const CHECKPOINT_VARS = 'OVMF_VARS.fd';
/** first-boot only: what that boot recorded, for the checks after the reboot. */
export const CHECKPOINT_FACTS = 'facts.json';

/** The files a checkpoint of this stage holds. */
export function checkpointFiles(stage: CheckpointStage): string[] {
  return stage === 'first-boot' ? [CHECKPOINT_DISK, CHECKPOINT_VARS, CHECKPOINT_FACTS] : [CHECKPOINT_DISK, CHECKPOINT_VARS];
}

/**
 * What shapes the disk at that stage. Secrets enter only as a hash (the key is a folder name).
 * Checks, timeouts and expectations never do; canaries and service state only from the first
 * boot on, since that boot writes them.
 */
export function checkpointKey(plan: Plan, imageKey: string, stage: CheckpointStage = 'installed'): string {
  const shaping = {
    v: 2, // 2: the install writes the minimal configuration; the opt-in one comes on the first boot
    imageKey,
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
    profile: { smbios: plan.profile.smbios, nvmeSerial: plan.profile.nvmeSerial },
    vm: { bootMedium: plan.vm.bootMedium },
    ...(stage === 'first-boot' && { stage, serviceState: plan.serviceState, canaries: plan.canaries }),
  };
  return `${plan.name}-${stage}-${sha(JSON.stringify(shaping)).slice(0, 16)}`;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The plan whose install a `from:` scenario starts from (same guest and kernel). */
export async function basePlanOf(plan: Plan): Promise<Plan> {
  if (!plan.from) throw new InfraError(`${plan.name} has no from:`);
  const file = join(dirname(plan.file), `${plan.from.scenario}.yaml`);
  const scenario = await loadScenario(file).catch((e: unknown) => {
    throw new ScenarioError(`from: ${plan.from!.scenario}@${plan.from!.checkpoint}: cannot load ${file}: ${e instanceof Error ? e.message : String(e)}`, plan.file);
  });
  // The base's install with this run's kernel: a kernel matrix shares the base's procedure.
  const base = expandPlans(scenario, { guest: plan.guest, kernel: plan.kernel.name })[0];
  if (!base) throw new ScenarioError(`from: ${plan.from.scenario} has no run for ${plan.guest}/${plan.kernel.name}`, plan.file);
  if (base.from) throw new ScenarioError(`from: ${plan.from.scenario} itself starts from a checkpoint; chains are not supported`, plan.file);
  if (plan.from.checkpoint === 'first-boot' && base.powerCut) {
    throw new ScenarioError(`from: ${plan.from.scenario}@first-boot: ${plan.from.scenario} cuts the power instead of rebooting, so it has no first-boot checkpoint`, plan.file);
  }
  return base;
}

/**
 * The plan a `from:` run boots with: the base's install (disk, LUKS, btrfs, user, opt-in
 * configuration), and this scenario's own boots and checks (wrong passphrases, canaries,
 * expectations, timeouts). From `first-boot`, the canaries and service state are the base's too:
 * its first boot wrote them.
 */
export function mergeOntoBase(plan: Plan, base: Plan): Plan {
  const firstBoot = plan.from?.checkpoint === 'first-boot';
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
    // The persist commands are the base's, and so are their mends and expected failures.
    deviations: base.deviations,
    expectedCommandFailures: base.expectedCommandFailures,
    nixosExtraConfig: base.nixosExtraConfig,
    ...(firstBoot && { serviceState: base.serviceState, canaries: base.canaries }),
    secrets: [...new Set([...plan.secrets, ...base.secrets])],
  };
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
  const { canaryToken, machineId, bootId, nmSecretKeySha, nmConnections, canaries, serviceFiles, persisted, kernelLogs } = facts;
  return { canaryToken, machineId, bootId, nmSecretKeySha, nmConnections, canaries, serviceFiles, persisted, kernelLogs };
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
  if (!facts.canaryToken || !facts.bootId) throw new InfraError(`The checkpoint's facts (${file}) lack the canary token or the boot id`);
  facts.kernelLogs = (facts.kernelLogs ?? []).map((l) => ({ ...l, label: l.label ?? `${base} boot ${l.boot} (checkpoint)` }));
  return facts;
}
