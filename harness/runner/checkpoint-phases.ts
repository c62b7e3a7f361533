/**
 * Keeping and resuming checkpoints within a run: with the machine off, the disk and vars (and
 * after the first boot, its facts) go into the cache under a key of what shaped them; a `from:`
 * run boots overlays on them, or rebuilds them first when they are missing or stale.
 */
import { access, chmod, copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStage, Plan } from '../scenario/plan.ts';
import { createOverlay } from '../vm/disk.ts';
import { cachedBuild } from '../guests/image-cache.ts';
import { checkpointFiles, checkpointKey, CHECKPOINT_DISK, CHECKPOINT_VARS, installCommands, loadCheckpointFacts, saveCheckpoint } from './checkpoint.ts';
import type { RunContext } from './run-context.ts';

/**
 * Keeps the disk and vars (and, after the first boot, its facts) in the cache; a no-op when that
 * checkpoint exists. Only ever called with the machine off.
 */
export async function keepCheckpoint(run: RunContext, shaping: Plan, stage: CheckpointStage): Promise<string> {
  const files = run.machineFiles;
  const key = keyOf(run, shaping, stage);
  const facts = stage === 'first-boot' ? run.facts : undefined;
  const built = await cachedBuild({
    cacheDir: run.o.cacheDir,
    name: 'checkpoints',
    key,
    outputs: checkpointFiles(stage),
    signal: run.o.signal,
    build: (out) => saveCheckpoint(files.disk, files.vars, out, facts),
  });
  run.log(`checkpoint ${key} ${built.cached ? 'exists' : 'saved'}`);
  return built.dir;
}

/** Where a `from:` run's checkpoint is, and whether all of its files are there. */
export async function findCheckpoint(run: RunContext): Promise<{ key: string; dir: string; present: boolean }> {
  const from = run.plan.from!;
  const key = keyOf(run, from.base, from.checkpoint);
  const dir = join(run.o.cacheDir, 'checkpoints', key);
  const have = await Promise.all(checkpointFiles(from.checkpoint).map((f) => access(join(dir, f)).then(() => true, () => false)));
  return { key, dir, present: have.every(Boolean) };
}

function keyOf(run: RunContext, shaping: Plan, stage: CheckpointStage): string {
  return checkpointKey(shaping, run.machineFiles.imageKey, stage, { configFiles: run.o.driver.configFiles(shaping), commands: installCommands(shaping) });
}

/** Boots from overlays on the checkpoint: the base is never written. */
export async function useCheckpoint(run: RunContext, dir: string, key: string): Promise<void> {
  const from = run.plan.from!;
  const files = run.machineFiles;
  await rm(files.disk, { force: true });
  await createOverlay(files.disk, join(dir, CHECKPOINT_DISK), run.o.signal);
  await copyFile(join(dir, CHECKPOINT_VARS), files.vars);
  await chmod(files.vars, 0o600);
  if (from.checkpoint === 'first-boot') run.record(await loadCheckpointFacts(dir, from.scenario));
  run.log(`booting overlays on checkpoint ${key}`);
}
