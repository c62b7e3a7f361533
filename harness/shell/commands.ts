/**
 * `darlings shell`, `darlings boot`, `darlings cache keys`: the handlers (register.ts puts them on
 * the CLI).
 */
import { access, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CheckpointStage, Plan } from '../scenario/plan.ts';
import { loadPlans } from '../runner/load-plans.ts';
import { checkpointKey, CHECKPOINT_DISK, CHECKPOINT_VARS, installCommands } from '../runner/checkpoint.ts';
import type { GuestDriver } from '../guests/guest.ts';
import { driverFor } from '../guests/drivers.ts';
import { defaultCacheDir } from '../guests/image-cache.ts';
import { REPO_ROOT } from '../guests/images.ts';
import { chooseAccel, type AccelChoice } from '../vm/accel.ts';
import { findOvmf } from '../vm/firmware.ts';
import { requireHost } from '../host/requirements.ts';
import { AbortedError, InfraError, ScenarioError } from '../errors.ts';
import { readKeptVm } from '../debug/kept-vm.ts';
import { entryOf, holdCheckpoint } from '../cache/use.ts';
import { shellSession } from './session.ts';

export interface SessionOpts { console: 'ssh' | 'serial'; accel: AccelChoice }

/** Ctrl-C while booting stops the VM; inside the ssh session the terminal is raw, so it goes to the guest. */
function interruptible(): { signal: AbortSignal; done(): void } {
  const c = new AbortController();
  const on = () => c.abort(new AbortedError('interrupted by SIGINT'));
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return { signal: c.signal, done: () => { process.off('SIGINT', on); process.off('SIGTERM', on); } };
}

async function session(plan: Plan, baseDisk: string, baseVars: string, o: SessionOpts, hold?: () => Promise<() => Promise<void>>): Promise<number> {
  await requireHost(['run']);
  const accel = await chooseAccel(o.accel);
  const ovmf = await findOvmf({ code: process.env.DARLINGS_OVMF_CODE, vars: process.env.DARLINGS_OVMF_VARS });
  const release = hold ? await hold() : async () => {};
  const { signal, done } = interruptible();
  try {
    return await shellSession({ plan, driver: await driverFor(plan.guest), baseDisk, baseVars, accel, ovmf, console: o.console, say: (l) => process.stderr.write(`${l}\n`), signal });
  } catch (error) {
    // Stopped by Ctrl-C or SIGTERM while booting: the VM is gone already; exit as `run` does.
    if (!signal.aborted) throw error;
    process.stderr.write(`darlings: ${signal.reason instanceof Error ? signal.reason.message : 'interrupted'}\n`);
    return 130;
  } finally {
    done();
    await release();
  }
}

export async function shellCommand(dir: string, o: SessionOpts): Promise<number> {
  const kept = await readKeptVm(resolve(dir));
  for (const f of [kept.disk, kept.vars]) await access(f).catch(() => { throw new ScenarioError(`The kept VM file ${f} is gone (the work folder was removed?)`); });
  const [plan] = await loadPlans([kept.scenarioFile], { guest: kept.guest, kernel: kept.kernel, profile: kept.profile });
  if (!plan) throw new ScenarioError(`${kept.scenarioFile} has no run for ${kept.guest}/${kept.kernel}`);
  // A `from:` plan is merged onto its base at load: its passphrase is the base's, which opens the disk.
  return session(plan, kept.disk, kept.vars, o);
}

/** `blog-xps13@installed` or `scenarios/blog-xps13.yaml@first-boot` → the file and the stage. */
export function parseBootTarget(target: string, cwd = process.cwd()): { file: string; stage: CheckpointStage } {
  const m = /^(.+)@(installed|first-boot)$/.exec(target);
  if (!m) throw new ScenarioError(`Expected <scenario>@installed or <scenario>@first-boot, got \`${target}\``);
  const name = m[1]!;
  const file = name.endsWith('.yaml') || name.includes('/') ? resolve(cwd, name) : join(REPO_ROOT, 'scenarios', `${name}.yaml`);
  return { file, stage: m[2] as CheckpointStage };
}

export async function bootCommand(target: string, o: SessionOpts & { guest?: string; kernel?: string; nixpkgs?: string }): Promise<number> {
  const { file, stage } = parseBootTarget(target);
  const [plan] = await loadPlans([file], { guest: o.guest ?? 'debian', ...(o.kernel && { kernel: o.kernel }) });
  if (!plan) throw new ScenarioError(`${file} has no run for ${o.guest ?? 'debian'}`);
  if (plan.from) throw new ScenarioError(`${plan.name} starts from ${plan.from.scenario}@${plan.from.checkpoint}; boot that checkpoint instead`);
  const cacheDir = defaultCacheDir();
  const driver = await driverFor(plan.guest);
  const image = await driver.buildImage({ cacheDir, kernel: plan.kernel.name, nixpkgs: o.nixpkgs ?? plan.nixpkgs });
  const key = keyOf(plan, driver, image.key, stage);
  const dir = join(cacheDir, 'checkpoints', key);
  const have = await access(join(dir, CHECKPOINT_DISK)).then(() => true, () => false);
  if (!have) throw new InfraError(`No checkpoint ${key} in ${cacheDir}: \`darlings run ${file} --guest ${plan.guest}\` saves it`);
  return session(plan, join(dir, CHECKPOINT_DISK), join(dir, CHECKPOINT_VARS), o, () => holdCheckpoint(cacheDir, key));
}

/** The checkpoint key as a run computes it (runner/checkpoint-phases.ts). */
function keyOf(plan: Plan, driver: GuestDriver, imageKey: string, stage: CheckpointStage): string {
  return checkpointKey(plan, imageKey, stage, { configFiles: driver.configFiles(plan), commands: installCommands(plan) });
}

/** The cache folders (relative to the cache) a run of these scenarios reads or saves: a CI cache key and path list. */
export async function cacheKeys(plans: Plan[], cacheDir: string, nixpkgs?: string): Promise<string[]> {
  const out = new Set<string>();
  for (const plan of plans) {
    const driver = await driverFor(plan.guest);
    const image = await driver.buildImage({ cacheDir, kernel: plan.kernel.name, nixpkgs: nixpkgs ?? plan.nixpkgs });
    const entry = entryOf(cacheDir, image.iso) ?? (await entryByManifest(cacheDir, plan.guest, image.key));
    if (entry) out.add(`${entry.folder}/${entry.key}`);
    const base = plan.from ? plan.from.base : plan;
    out.add(`checkpoints/${keyOf(base, driver, image.key, 'installed')}`);
    const firstBoot = plan.from ? plan.from.checkpoint === 'first-boot' : !plan.powerCut;
    if (firstBoot) out.add(`checkpoints/${keyOf(base, driver, image.key, 'first-boot')}`);
  }
  return [...out].sort();
}

/** nixos keeps its ISO in the store: its entry is the folder whose manifest names the key. */
async function entryByManifest(cacheDir: string, folder: string, key: string): Promise<{ folder: string; key: string } | undefined> {
  for (const name of await readdir(join(cacheDir, folder)).catch(() => [] as string[])) {
    const m = await readFile(join(cacheDir, folder, name, 'manifest.json'), 'utf8').then((t) => JSON.parse(t) as { key?: string }).catch(() => undefined);
    if (m?.key === key) return { folder, key: name };
  }
  return undefined;
}

export async function cacheKeysCommand(files: string[], o: { guest?: string; nixpkgs?: string; json: boolean }): Promise<number> {
  const cacheDir = defaultCacheDir();
  const { defaultScenarioFiles } = await import('../runner/load-plans.ts');
  const plans = await loadPlans(files.length ? files : await defaultScenarioFiles(), o);
  const keys = await cacheKeys(plans, cacheDir, o.nixpkgs);
  console.log(o.json ? JSON.stringify({ cacheDir, entries: keys }, null, 2) : keys.join('\n'));
  return 0;
}
