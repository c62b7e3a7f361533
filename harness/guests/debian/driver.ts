/**
 * The `debian` guest: a NixOS-shaped stand-in built from Debian packages. Its installer carries
 * `darlings-generate-config`, `darlings-install` and `darlings-passwd`, stand-ins for
 * nixos-generate-config, nixos-install and a declarative password (docs/guest-contract.md).
 */
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import type { GuestDriver } from '../guest.ts';
import type { Plan } from '../../scenario/plan.ts';
import { executeCommands, fileCommand, type ProcedureCommand } from '../procedure-command.ts';
import { HostError, ScenarioError } from '../../errors.ts';
import { kernelChoices, resolveKernel } from '../../scenario/rules.ts';
import { cachedBuild, hashInputs, hostPackageVersions, runBuildScript, withLock } from '../image-cache.ts';
import { IMAGE_HOST_PACKAGES, IMAGES_DIR, REPO_ROOT } from '../images.ts';
import { shQuote } from '../../util/shell.ts';
import { configurationConf, persistConf, rollbackScript, systemdStage1Files, tmpfilesConf } from './config-files.ts';
import { rebuildBoot } from './rebuild.ts';

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
        // Root builds it; a user with sudo (Ubuntu, CI runners) builds through `sudo -n`, and the
        // result is handed back to them.
        const uid = process.getuid?.();
        const viaSudo = uid !== 0 && (await execa('sudo', ['-n', 'true'], { reject: false })).exitCode === 0;
        if (uid !== 0 && !viaSudo)
          throw new HostError(
            'Building the debian image needs root (debootstrap, device nodes in the initramfs), and `sudo -n` is not allowed here.',
            'build it once as root with the same cache: sudo XDG_CACHE_HOME="$HOME/.cache" npx darlings build-image debian',
          );
        const work = join(options.cacheDir, 'debian-work');
        return withLock(join(options.cacheDir, 'debian-work.lock'), options.signal, async () => {
          try {
            await runBuildScript(join(IMAGES_DIR, 'debian', 'build.sh'), out, options.onProgress, options.signal, {
              DARLINGS_KERNEL: kernel,
              // Downloads and the debootstrap tree, keyed inside by their own inputs: shared by every
              // build, so an edit to a script rebuilds in seconds, not minutes.
              DARLINGS_WORK: work,
            }, viaSudo ? 'sudo' : undefined);
          } finally {
            // Only the finished image: the work tree holds a root filesystem whose owners must stay.
            if (viaSudo) await execa('sudo', ['-n', 'chown', '-R', `${uid}:${process.getgid?.()}`, out], { reject: false });
          }
        });
      },
    });
    const manifest = JSON.parse(await readFile(join(built.dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    const facts: Record<string, string | number> = { cached: built.cached ? 'yes' : 'no', buildMs: built.durationMs };
    for (const k of ['kernel', 'isoBytes', 'payloadBytes']) if (typeof manifest[k] === 'string' || typeof manifest[k] === 'number') facts[k] = manifest[k] as string | number;
    return { iso: join(built.dir, 'installer.iso'), key, facts };
  },

  // Everything the harness writes, at the install and on the first boot (checkpoint keys hash it).
  configFiles: debianConfigFiles,
  configureCommands,
  optInCommands,
  installCommands,
  passwordCommands,

  // The blog installs a minimal configuration (no opt-in state, no rollback) and adds those after
  // the first boot with `nixos-rebuild boot`: applyOptIn.
  async writeConfig(shell, plan, signal) {
    await executeCommands(shell, plan, configureCommands(plan), undefined, signal);
  },

  async applyOptIn(shell, plan, signal) {
    await executeCommands(shell, plan, optInCommands(plan), undefined, signal);
    await rebuildBoot(shell, plan, signal);
  },

  async install(shell, plan, signal) {
    await executeCommands(shell, plan, installCommands(plan), undefined, signal);
  },

  async setPassword(shell, plan, signal) {
    await executeCommands(shell, plan, passwordCommands(plan), undefined, signal);
  },
};

const guest = 'debian' as const;

const MINIMAL = `${CONFIG_DIR}/configuration.conf`;

/**
 * darlings-generate-config, then the blog's minimal configuration (configuration.conf: no opt-in
 * state, no rollback yet; applyOptIn adds them on the first boot, as the blog's nixos-rebuild boot).
 */
function configureCommands(plan: Plan): ProcedureCommand[] {
  const files = debianConfigFiles(plan);
  return [
    { phase: 'configure', name: 'generate the hardware configuration', command: 'darlings-generate-config --root /mnt', guest, note: 'the stand-in for nixos-generate-config' },
    fileCommand('configure', `/mnt${MINIMAL}`, files[MINIMAL]!, 0o644, { guest }),
    { phase: 'configure', name: 'no opt-in state yet (the blog adds it after the first boot)', command: `rm -f /mnt${CONFIG_DIR}/persist.conf /mnt${CONFIG_DIR}/tmpfiles.conf /mnt${CONFIG_DIR}/rollback.sh`, guest },
  ];
}

/** On the first boot: the opt-in configuration files (persisted /etc, tmpfiles rules, the rollback). */
function optInCommands(plan: Plan): ProcedureCommand[] {
  const files = debianConfigFiles(plan);
  return [
    ...Object.entries(files).filter(([path]) => path !== MINIMAL).map(([path, text]) => fileCommand('first-boot-state', path, text, path.endsWith('.sh') ? 0o755 : 0o644, { guest })),
    ...(`${CONFIG_DIR}/rollback.sh` in files ? [] : [{ phase: 'first-boot-state', name: 'no rollback script (the scenario leaves it out)', command: `rm -f ${CONFIG_DIR}/rollback.sh`, guest }]),
  ];
}

function installCommands(_plan: Plan): ProcedureCommand[] {
  return [{ phase: 'install', name: 'install the system', command: 'darlings-install --root /mnt', guest, long: true, note: 'the stand-in for nixos-install' }];
}

function passwordCommands(plan: Plan): ProcedureCommand[] {
  return [{ phase: 'install', name: `set the password of ${plan.user.name}`, command: `darlings-passwd --root /mnt ${shQuote(plan.user.name)}`, stdin: { secret: 'password' }, guest }];
}
