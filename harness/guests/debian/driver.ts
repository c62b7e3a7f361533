/**
 * The `debian` guest: a NixOS-shaped stand-in built from Debian packages. Its installer carries
 * `darlings-generate-config`, `darlings-install` and `darlings-passwd`, stand-ins for
 * nixos-generate-config, nixos-install and a declarative password (docs/guest-contract.md).
 */
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { GuestDriver } from '../guest.ts';
import type { Plan } from '../../scenario/plan.ts';
import { HostError, ScenarioError } from '../../errors.ts';
import { kernelChoices, resolveKernel } from '../../scenario/rules.ts';
import { cachedBuild, hashInputs, hostPackageVersions, runBuildScript, withLock } from '../image-cache.ts';
import { IMAGE_HOST_PACKAGES, IMAGES_DIR, REPO_ROOT } from '../images.ts';
import { shQuote } from '../../util/shell.ts';
import { configurationConf, persistConf, rollbackScript, tmpfilesConf } from './config-files.ts';
import { rebuildBoot } from './rebuild.ts';

const CONFIG_DIR = '/etc/darlings';

/**
 * The stand-in's kernels: bookworm's own, or bookworm-backports' newer one (`latest`). The aliases
 * are scenario/defaults.ts's KERNELS, read through resolveKernel: one table.
 */
export function debianKernel(name = 'default'): 'bookworm' | 'backports' {
  const kernel = resolveKernel('debian', name);
  if (kernel !== 'bookworm' && kernel !== 'backports') {
    throw new ScenarioError(`Expected the debian kernel to be one of ${kernelChoices('debian')}, got \`${name}\``);
  }
  return kernel;
}

/** The stand-in keeps its configuration in /etc/darlings and has no /etc/NIXOS marker. */
export function debianEtcEntry(name: string): string | null {
  if (name === 'NIXOS') return null;
  if (name === 'nixos') return 'darlings';
  return name;
}

/** What the harness writes into /etc/darlings (the stand-in's configuration.nix and opt-in module). */
export function debianConfigFiles(plan: Plan): Record<string, string> {
  const rollback = rollbackScript(plan);
  return {
    [`${CONFIG_DIR}/configuration.conf`]: configurationConf(plan),
    [`${CONFIG_DIR}/persist.conf`]: persistConf(plan, debianEtcEntry),
    [`${CONFIG_DIR}/tmpfiles.conf`]: tmpfilesConf(plan),
    ...(rollback !== null && { [`${CONFIG_DIR}/rollback.sh`]: rollback }),
  };
}

export const debianDriver: GuestDriver = {
  name: 'debian',
  configDir: CONFIG_DIR,
  etcEntry: debianEtcEntry,
  // The stand-in's initrd runs cryptsetup itself, so these are cryptsetup's own words.
  passphrasePrompt: /Enter passphrase for [^\s:]*:?/,
  passphraseRefused: /No key available with this passphrase/,

  async buildImage(options) {
    const kernel = debianKernel(options.kernel);
    const key = await hashInputs(
      [join(IMAGES_DIR, 'debian'), join(IMAGES_DIR, 'common')],
      REPO_ROOT,
      [...(await hostPackageVersions([...IMAGE_HOST_PACKAGES, 'debootstrap'])), `kernel=${kernel}`],
    );
    const built = await cachedBuild({
      cacheDir: options.cacheDir,
      name: 'debian',
      key,
      outputs: ['installer.iso', 'manifest.json'],
      signal: options.signal,
      build: async (out) => {
        if (process.getuid?.() !== 0)
          throw new HostError(
            'Building the debian image needs root (debootstrap, device nodes in the initramfs).',
            'build it once as root with the same cache: sudo XDG_CACHE_HOME="$HOME/.cache" npx darlings build-image debian',
          );
        return withLock(join(options.cacheDir, 'debian-work.lock'), options.signal, () => runBuildScript(join(IMAGES_DIR, 'debian', 'build.sh'), out, options.onProgress, options.signal, {
          DARLINGS_KERNEL: kernel,
          // Downloads and the debootstrap tree, keyed inside by their own inputs: shared by every
          // build, so an edit to a script rebuilds in seconds, not minutes.
          DARLINGS_WORK: join(options.cacheDir, 'debian-work'),
        }));
      },
    });
    const manifest = JSON.parse(await readFile(join(built.dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    const facts: Record<string, string | number> = { cached: built.cached ? 'yes' : 'no', buildMs: built.durationMs };
    for (const k of ['kernel', 'isoBytes', 'payloadBytes']) if (typeof manifest[k] === 'string' || typeof manifest[k] === 'number') facts[k] = manifest[k] as string | number;
    return { iso: join(built.dir, 'installer.iso'), key, facts };
  },

  // Everything the harness writes, at the install and on the first boot (checkpoint keys hash it).
  configFiles: debianConfigFiles,

  // The blog installs a minimal configuration (no opt-in state, no rollback) and adds those after
  // the first boot with `nixos-rebuild boot`: applyOptIn.
  async writeConfig(shell, plan, signal) {
    const t = { timeoutMs: plan.timeouts.commandMs, signal };
    await shell.expectSuccess('darlings-generate-config --root /mnt', t);
    await shell.upload(`/mnt${CONFIG_DIR}/configuration.conf`, configurationConf(plan), 0o644);
    await shell.expectSuccess(`rm -f /mnt${CONFIG_DIR}/persist.conf /mnt${CONFIG_DIR}/tmpfiles.conf /mnt${CONFIG_DIR}/rollback.sh`, t);
  },

  async applyOptIn(shell, plan, signal) {
    const t = { timeoutMs: plan.timeouts.commandMs, signal };
    const files = debianConfigFiles(plan);
    for (const [path, text] of Object.entries(files)) {
      if (!path.endsWith('/configuration.conf')) await shell.upload(path, text, path.endsWith('.sh') ? 0o755 : 0o644);
    }
    if (!(`${CONFIG_DIR}/rollback.sh` in files)) await shell.expectSuccess(`rm -f ${CONFIG_DIR}/rollback.sh`, t);
    await rebuildBoot(shell, plan, signal);
  },

  async install(shell, plan, signal) {
    await shell.expectSuccess('darlings-install --root /mnt', { timeoutMs: plan.timeouts.installMs, signal });
  },

  async setPassword(shell, plan, signal) {
    await shell.expectSuccess(`darlings-passwd --root /mnt ${shQuote(plan.user.name)}`, {
      stdin: `${plan.user.password}\n`,
      timeoutMs: plan.timeouts.commandMs,
      signal,
    });
  },
};
