/**
 * Images are built once per set of inputs and kept under `$XDG_CACHE_HOME/darlings`. The key is a
 * hash of every input (build scripts, package versions); a build writes into a temporary folder
 * that is renamed into place only when it succeeded, so a failed build leaves no half entry.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { exists } from '../util/fs.ts';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { InfraError } from '../errors.ts';
import { pollUntil } from '../util/poll.ts';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'darlings');
}

/** Every file under the given folders, sorted, as (relative path, content) in one hash. */
export async function hashInputs(roots: string[], base: string, extra: string[] = []): Promise<string> {
  const h = createHash('sha256');
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  for (const r of roots) await walk(r);
  files.sort();
  for (const f of files) {
    h.update(relative(base, f)).update('\0');
    h.update(await readFile(f)).update('\0');
  }
  for (const e of extra) h.update(e).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** Installed versions of host packages whose binaries go into an image (`dpkg-query`). */
export async function hostPackageVersions(packages: string[]): Promise<string[]> {
  const r = await execa('dpkg-query', ['-W', '-f', '${Package}=${Version}\\n', ...packages], { reject: false });
  return r.stdout.split('\n').filter(Boolean).sort();
}

export interface CachedBuild {
  dir: string;
  key: string;
  cached: boolean;
  durationMs: number;
}

export interface CachedBuildOptions {
  cacheDir: string;
  /** Folder name under the cache, e.g. `debian`. */
  name: string;
  key: string;
  /** Files that must exist in a complete entry. */
  outputs: string[];
  /** Builds into `out` (which does not exist yet). */
  build: (out: string) => Promise<void>;
  /**
   * Whether a complete entry is still usable, beyond its files being there (the nixos entry's
   * store path may have been garbage-collected). An unusable entry is rebuilt.
   */
  usable?: (dir: string) => Promise<boolean>;
  signal?: AbortSignal;
}

/** Returns the cached entry for `key`, building it first if missing. */
export async function cachedBuild(options: CachedBuildOptions): Promise<CachedBuild> {
  const started = Date.now();
  const dir = join(options.cacheDir, options.name, options.key);
  const complete = async () =>
    (await Promise.all(options.outputs.map((o) => exists(join(dir, o))))).every(Boolean) && (await (options.usable?.(dir) ?? true));
  if (await complete()) return { dir, key: options.key, cached: true, durationMs: Date.now() - started };

  await mkdir(join(options.cacheDir, options.name), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  // One builder at a time per key (parallel workers, or two harnesses).
  return withLock(`${dir}.lock`, options.signal, async () => {
    if (await complete()) return { dir, key: options.key, cached: true, durationMs: Date.now() - started };
    await rm(tmp, { recursive: true, force: true });
    await options.build(tmp);
    for (const o of options.outputs)
      if (!(await exists(join(tmp, o)))) throw new InfraError(`The ${options.name} image build finished but did not produce ${o}`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return { dir, key: options.key, cached: false, durationMs: Date.now() - started };
  }).finally(async () => {
    await rm(tmp, { recursive: true, force: true });
    await rm(`${tmp}.tmp`, { recursive: true, force: true });
  });
}

/**
 * Runs `fn` holding a lock folder (mkdir is atomic); a lock whose owner died is taken over.
 * Shared build work folders use it too, since builds of different keys share them.
 */
export async function withLock<T>(lock: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  await pollUntil(
    async () => {
      try {
        await mkdir(lock);
        await writeFile(join(lock, 'pid'), String(process.pid));
        return true;
      } catch {
        const pid = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'));
        if (pid && !isAlive(pid)) await rm(lock, { recursive: true, force: true });
        return false;
      }
    },
    { timeoutMs: 60 * 60_000, intervalMs: 1000, what: `the lock ${lock} (another build is using it)`, signal },
  );
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs an image build script, streaming its lines to `onProgress`; fails with its last lines. */
export async function runBuildScript(
  script: string,
  out: string,
  onProgress?: (line: string) => void,
  signal?: AbortSignal,
  env: Record<string, string> = {},
): Promise<void> {
  const child = execa('bash', [script, out], { all: true, reject: false, cancelSignal: signal, buffer: { all: true }, env });
  let tail: string[] = [];
  child.all?.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) {
      if (!line.trim()) continue;
      tail = [...tail.slice(-39), line];
      onProgress?.(line);
    }
  });
  const r = await child;
  if (r.exitCode !== 0) throw new InfraError(`${script} failed (exit ${r.exitCode ?? r.signal}):\n${tail.join('\n')}`);
}
