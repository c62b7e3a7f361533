/**
 * The nixos GuestDriver: what "generate config", "install" and "set the password" mean on NixOS.
 * The shared procedure has partitioned, formatted and mounted everything under /mnt by then.
 */
import { NIXOS_PASSPHRASE_PROMPT, NIXOS_PASSPHRASE_REFUSED } from './console.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckFailed, InfraError } from '../../errors.ts';
import type { Plan } from '../../scenario/plan.ts';
import type { GuestDriver, GuestShell } from '../guest.ts';
import { shQuote } from '../../util/shell.ts';
import { nixosConfigFiles } from './files.ts';
import { hardwareProblems } from './hardware.ts';
import { buildImage } from './image.ts';
import { passwordFile } from './layout.ts';
import { nixErrorText, runNix, streamNix } from './nix-tools.ts';

export const CONFIG_DIR = '/etc/nixos';
const ROOT = '/mnt';

/**
 * nixos-generate-config, then the harness's files beside the generated hardware-configuration.nix
 * (which is checked, never edited: mounts.nix and optin.nix add to it).
 */
async function writeConfig(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void> {
  const dir = `${ROOT}${CONFIG_DIR}`;
  await shell.expectSuccess(`nixos-generate-config --root ${ROOT}`, { timeoutMs: plan.timeouts.commandMs, ...sig(signal) });
  const hardware = await shell.expectSuccess(`cat ${dir}/hardware-configuration.nix`, sig(signal));
  const problems = hardwareProblems(hardware, plan);
  if (problems.length > 0) {
    throw new CheckFailed(`nixos-generate-config wrote a hardware-configuration.nix that ${problems.join('; ')}`);
  }
  for (const [name, text] of Object.entries(nixosConfigFiles(plan))) {
    await shell.upload(`${dir}/${name}`, text, 0o644);
  }
}

/**
 * nixos-install from the binary cache (substituters as the installer has them), or, for
 * `offlineInstall`, from a closure built on the host and imported into /mnt's store.
 */
async function install(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void> {
  const options = { timeoutMs: plan.timeouts.installMs, ...sig(signal) };
  if (!plan.offlineInstall) {
    await shell.expectSuccess(`nixos-install --no-root-passwd --root ${ROOT}`, options);
    return;
  }
  const system = await importHostClosure(shell, plan, signal);
  await shell.expectSuccess(`nixos-install --no-root-passwd --no-channel-copy --root ${ROOT} --system ${shQuote(system)}`, options);
}

/**
 * Builds the system on the host from the guest's own /etc/nixos and streams its closure into the
 * store under /mnt: the guest needs no network for the install.
 */
async function importHostClosure(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'darlings-nixos-offline-'));
  try {
    const files = { ...nixosConfigFiles(plan), 'hardware-configuration.nix': '' };
    files['hardware-configuration.nix'] = await shell.expectSuccess(`cat ${ROOT}${CONFIG_DIR}/hardware-configuration.nix`, sig(signal));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, { mode: 0o600 });
    const nixpkgsArgs = plan.nixpkgs ? ['-I', `nixpkgs=${plan.nixpkgs}`] : [];
    const built = await runNix(
      'nix-build',
      ['<nixpkgs/nixos>', '-A', 'config.system.build.toplevel', '-I', `nixos-config=${join(dir, 'configuration.nix')}`, ...nixpkgsArgs, '--no-out-link'],
      sig(signal),
    );
    const system = built.stdout.trim().split('\n').pop() ?? '';
    if (built.exitCode !== 0 || !system.startsWith('/nix/store/')) {
      throw new InfraError(`offline install: nix-build of the system on the host failed:\n${nixErrorText(built.stderr)}`);
    }
    const closure = await runNix('nix-store', ['--query', '--requisites', system], sig(signal));
    if (closure.exitCode !== 0) throw new InfraError(`offline install: nix-store --query --requisites failed:\n${closure.stderr}`);
    const paths = closure.stdout.trim().split('\n');
    // The closure of the blog's system with all firmware is gigabytes: it streams from
    // nix-store --export on the host into nix-store --import in the guest, never whole in memory
    // and never as a file on the target's root subvolume.
    const exporter = streamNix('nix-store', ['--export', ...paths], sig(signal));
    const imported = shell.run(`mkdir -p ${ROOT}/nix/store && nix-store --store ${ROOT} --import > /dev/null`, {
      stdin: exporter.stdout,
      timeoutMs: plan.timeouts.installMs,
      ...sig(signal),
    });
    const [exported, importRun] = await Promise.all([exporter.done, imported]);
    if (exported.exitCode !== 0) throw new InfraError(`offline install: nix-store --export failed:\n${exported.stderr}`);
    if (importRun.exitCode !== 0) throw new InfraError(`offline install: nix-store --import in the guest failed (exit ${importRun.exitCode}):\n${importRun.stderr}`);
    return system;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The password travels on stdin to mkpasswd in the guest; only its hash is written, to the file
 * configuration.nix names in `hashedPasswordFile` (under /persist, 0600).
 */
async function setPassword(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void> {
  const file = `${ROOT}${passwordFile(plan)}`;
  const dir = file.slice(0, file.lastIndexOf('/'));
  await shell.expectSuccess(
    `umask 077 && mkdir -p ${shQuote(dir)} && chmod 0700 ${shQuote(dir)} && ` +
      `mkpasswd -m sha-512 -s > ${shQuote(`${file}.tmp`)} && mv ${shQuote(`${file}.tmp`)} ${shQuote(file)}`,
    { stdin: `${plan.user.password}\n`, timeoutMs: plan.timeouts.commandMs, ...sig(signal) },
  );
}

function sig(signal?: AbortSignal): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

/**
 * The nixos guest.
 *
 * @example
 * await nixosDriver.writeConfig(shell, plan); await nixosDriver.install(shell, plan);
 */
export const nixosDriver: GuestDriver = {
  name: 'nixos',
  configDir: CONFIG_DIR,
  buildImage,
  configFiles: (plan) => Object.fromEntries(Object.entries(nixosConfigFiles(plan)).map(([name, text]) => [`${CONFIG_DIR}/${name}`, text])),
  writeConfig,
  install,
  setPassword,
  /** NixOS has every /etc entry the blog persists, under the same name. */
  etcEntry: (name) => name,
  passphrasePrompt: NIXOS_PASSPHRASE_PROMPT,
  passphraseRefused: NIXOS_PASSPHRASE_REFUSED,
};
