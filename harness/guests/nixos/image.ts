/**
 * The installer ISO: `nix-build` of images/nixos/iso.nix, cached under `<cacheDir>/nixos/<hash>/`
 * by the one image cache, with a gc-root so Nix keeps it. The hash covers images/nixos/*.nix and which nixpkgs
 * (its path and revision), so a second build with unchanged inputs only reads a manifest and
 * checks that the store path is still there.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, realpath, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HostError, InfraError } from '../../errors.ts';
import type { BuildImageOptions, GuestImage } from '../guest.ts';
import { cachedBuild } from '../image-cache.ts';
import { exists } from '../../util/fs.ts';
import { nixErrorText, nixVersion, runNix } from './nix-tools.ts';

/** images/nixos of this checkout. */
export function imagesDir(): string {
  return fileURLToPath(new URL('../../../images/nixos/', import.meta.url));
}

/** images/nixos/iso.nix, the installer the harness uses. */
export function isoNixPath(): string {
  return join(imagesDir(), 'iso.nix');
}

export interface NixosImageOptions extends BuildImageOptions {
  /** Another installer configuration, e.g. images/nixos/iso-graphical.nix. */
  isoConfig?: string;
}

interface Manifest {
  key: string;
  storePath: string;
  iso: string;
  nixpkgs: string;
  nixpkgsRevision: string;
  kernel: string;
  isoBytes: number;
  buildMs: number;
  builtAt: string;
}

/**
 * Builds or reuses the installer ISO, through the one image cache (guests/image-cache.ts): the
 * entry holds the manifest; the gc-root that keeps the store path alive lives beside the entry
 * (`<cacheDir>/nixos/gcroots/<hash>`), because the entry is built under a temporary name and
 * renamed into place, and a Nix indirect root would keep pointing at the old name.
 *
 * @example
 * const image = await buildImage({ cacheDir: '~/.cache/darlings', nixpkgs: '/src/nixpkgs', onProgress: console.log });
 * image.iso // '/nix/store/…-nixos-24.05…-x86_64-linux.iso/iso/nixos-….iso'
 */
export async function buildImage(options: NixosImageOptions): Promise<GuestImage> {
  const isoConfig = options.isoConfig ?? isoNixPath();
  const nixpkgs = options.nixpkgs ? await realpath(options.nixpkgs) : await findNixpkgs(options.signal);
  const nixpkgsRevision = await revisionOf(nixpkgs);
  const hash = await inputsHash(isoConfig, nixpkgs, nixpkgsRevision);
  const gcroot = join(options.cacheDir, 'nixos', 'gcroots', hash);
  const built = await cachedBuild({
    cacheDir: options.cacheDir,
    name: 'nixos',
    key: hash,
    outputs: ['manifest.json'],
    signal: options.signal,
    usable: async (dir) => {
      const m = await readManifest(dir);
      return m !== null && (await exists(m.storePath)) && (await exists(m.iso));
    },
    build: async (out) => {
      await mkdir(out, { recursive: true, mode: 0o700 });
      await mkdir(dirname(gcroot), { recursive: true });
      const manifest = await nixBuildIso(isoConfig, nixpkgs, nixpkgsRevision, gcroot, options);
      await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
    },
  });
  const manifest = await readManifest(built.dir);
  if (!manifest) throw new InfraError(`The nixos image cache entry ${built.dir} has no readable manifest.json`);
  return toImage(manifest, built.cached);
}

/** nix-build of the ISO with its gc-root at `gcroot`; what the manifest records of it. */
async function nixBuildIso(isoConfig: string, nixpkgs: string, nixpkgsRevision: string, gcroot: string, options: NixosImageOptions): Promise<Manifest> {
  const startedAt = Date.now();
  const args = ['<nixpkgs/nixos>', '-A', 'config.system.build.isoImage', '-I', `nixos-config=${isoConfig}`];
  args.push('-I', `nixpkgs=${nixpkgs}`, '--out-link', gcroot);
  options.onProgress?.(`==> nix-build ${args.join(' ')}`);
  const result = await runNix('nix-build', args, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const storePath = result.stdout.trim().split('\n').pop() ?? '';
  if (result.exitCode !== 0 && /^error: the group '.*' specified in 'build-users-group' does not exist/m.test(result.stderr)) {
    throw new HostError(
      'Nix cannot build here: it has no build users (group nixbld)',
      'the Nix installer with --daemon, or `build-users-group =` in /etc/nix/nix.conf when building as root',
    );
  }
  if (result.exitCode !== 0 || !storePath.startsWith('/')) {
    throw new InfraError(`nix-build of the nixos installer ISO (${isoConfig}) failed:\n${nixErrorText(result.stderr)}`);
  }
  const isoName = (await readdir(join(storePath, 'iso'))).find((name) => name.endsWith('.iso'));
  if (!isoName) throw new InfraError(`nix-build produced ${storePath} without an iso/*.iso`);
  const iso = join(storePath, 'iso', isoName);
  return {
    key: storePath,
    storePath,
    iso,
    nixpkgs,
    nixpkgsRevision,
    kernel: /linux-([\d.]+)/.exec(await kernelOf(isoConfig, nixpkgs, options.signal))?.[1] ?? 'unknown',
    isoBytes: (await stat(iso)).size,
    buildMs: Date.now() - startedAt,
    builtAt: new Date().toISOString(),
  };
}

/** The cache key's inputs: every .nix of images/nixos (iso.nix imports its neighbours), nixpkgs. */
export async function inputsHash(isoConfig: string, nixpkgs: string, nixpkgsRevision: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`iso-config\0${isoConfig}\0nixpkgs\0${nixpkgs}\0${nixpkgsRevision}\0nix\0${await nixVersion()}\0`);
  const dir = imagesDir();
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.nix')).sort()) {
    hash.update(`${name}\0`).update(await readFile(join(dir, name))).update('\0');
  }
  if (!isoConfig.startsWith(dir)) hash.update(await readFile(isoConfig));
  return hash.digest('hex').slice(0, 24);
}

/**
 * Which nixpkgs this is: a channel's `.git-revision`, a checkout's HEAD, else its release and
 * version suffix (a plain unpacked tree: change its path to force a rebuild).
 */
export async function revisionOf(nixpkgs: string): Promise<string> {
  const read = (p: string) => readFile(join(nixpkgs, p), 'utf8').then((s) => s.trim()).catch(() => '');
  const channelRevision = await read('.git-revision');
  if (channelRevision) return channelRevision;
  const head = await read('.git/HEAD');
  if (head.startsWith('ref: ')) {
    const ref = await read(join('.git', head.slice(5)));
    if (ref) return ref;
  } else if (head) return head;
  return `${(await read('.version')) || (await read('lib/.version'))}${await read('.version-suffix')}`;
}

/** `<nixpkgs>` from NIX_PATH, as nix itself resolves it. */
async function findNixpkgs(signal?: AbortSignal): Promise<string> {
  const result = await runNix('nix-instantiate', ['--find-file', 'nixpkgs'], signal ? { signal } : {});
  const path = result.stdout.trim();
  if (result.exitCode !== 0 || !path) {
    throw new InfraError(`no nixpkgs given and <nixpkgs> is not on NIX_PATH: pass --nixpkgs PATH\n${nixErrorText(result.stderr)}`);
  }
  return realpath(path);
}

/** The ISO's kernel package name (`linux-6.9.3`), for the image's facts. */
async function kernelOf(isoConfig: string, nixpkgs: string, signal?: AbortSignal): Promise<string> {
  const args = ['--eval', '<nixpkgs/nixos>', '-A', 'config.boot.kernelPackages.kernel.name'];
  args.push('-I', `nixos-config=${isoConfig}`, '-I', `nixpkgs=${nixpkgs}`);
  const result = await runNix('nix-instantiate', args, signal ? { signal } : {});
  return result.exitCode === 0 ? result.stdout.trim().replace(/"/g, '') : '';
}

async function readManifest(entry: string): Promise<Manifest | null> {
  try {
    return JSON.parse(await readFile(join(entry, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

function toImage(manifest: Manifest, cached: boolean): GuestImage {
  return {
    iso: manifest.iso,
    key: manifest.key,
    facts: {
      kernel: manifest.kernel,
      isoBytes: manifest.isoBytes,
      nixpkgs: manifest.nixpkgs,
      nixpkgsRevision: manifest.nixpkgsRevision,
      buildMs: manifest.buildMs,
      cached: cached ? 'yes' : 'no',
    },
  };
}
