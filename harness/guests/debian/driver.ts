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
import { configurationConf, persistConf, rollbackScript, systemdStage1Files, tmpfilesConf } from './config-files.ts';

const CONFIG_DIR = '/etc/darlings';
const SCRIPTED_PROMPT = /Enter passphrase for [^\s:]*:?/;
const SCRIPTED_REFUSED = /No key available with this passphrase/;
const SYSTEMD_PROMPT = /Please enter passphrase for disk [^\n]*: ?/;
const SYSTEMD_REFUSED = /Failed to activate with specified passphrase/;

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
    // systemd stage 1: the generated rollback unit and its script (rollback-unit.ts).
    ...Object.fromEntries(Object.entries(systemdStage1Files(plan)).map(([name, text]) => [`${CONFIG_DIR}/${name}`, text])),
  };
}

export const debianDriver: GuestDriver = {
  name: 'debian',
  configDir: CONFIG_DIR,
  etcEntry: debianEtcEntry,
  // The stand-in's scripted initrd runs cryptsetup itself, so these are cryptsetup's own words.
  passphrasePrompt: SCRIPTED_PROMPT,
  passphraseRefused: SCRIPTED_REFUSED,
  // systemd stage 1: systemd-ask-password's prompt, systemd-cryptsetup's refusal.
  passphrasePatterns: (plan) =>
    plan.initrd === 'systemd'
      ? { passphrasePrompt: SYSTEMD_PROMPT, passphraseRefused: SYSTEMD_REFUSED }
      : { passphrasePrompt: SCRIPTED_PROMPT, passphraseRefused: SCRIPTED_REFUSED },

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

  configFiles: debianConfigFiles,

  async writeConfig(shell, plan, signal) {
    const t = { timeoutMs: plan.timeouts.commandMs, signal };
    await shell.expectSuccess('darlings-generate-config --root /mnt', t);
    const files = debianConfigFiles(plan);
    for (const [path, text] of Object.entries(files)) await shell.upload(`/mnt${path}`, text, path.endsWith('.sh') ? 0o755 : 0o644);
    if (!(`${CONFIG_DIR}/rollback.sh` in files)) await shell.expectSuccess(`rm -f /mnt${CONFIG_DIR}/rollback.sh`, t);
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
