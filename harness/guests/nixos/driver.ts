/**
 * The nixos GuestDriver: what "generate config", "install" and "set the password" mean on NixOS.
 * The shared procedure has partitioned, formatted and mounted everything under /mnt by then.
 */
import { NIXOS_PASSPHRASE_PROMPT, NIXOS_PASSPHRASE_REFUSED } from './console.ts';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CheckFailed, InfraError } from '../../errors.ts';
import type { Plan } from '../../scenario/plan.ts';
import type { GuestDriver, GuestShell } from '../guest.ts';
import { executeCommands, fileCommand, type ProcedureCommand } from '../procedure-command.ts';
import { shQuote } from '../../util/shell.ts';
import { nixosConfigFiles } from './files.ts';
import { hardwareProblems } from './hardware.ts';
import { buildImage } from './image.ts';
import { passwordFile } from './layout.ts';
import { nixErrorText, runNix, streamNix } from './nix-tools.ts';
import { OWN_FLAKE_ATTR } from './own.ts';

export const CONFIG_DIR = '/etc/nixos';
const ROOT = '/mnt';

const guest = 'nixos' as const;
const HARDWARE = `${ROOT}${CONFIG_DIR}/hardware-configuration.nix`;
const READ_HARDWARE = 'read the generated hardware-configuration.nix';
const HARNESS_ONLY = 'the harness\'s own (serial console, SSH with the per-run key, ready lines), not the blog\'s: by hand, leave it out and drop `./darlings.nix` from the imports of configuration.nix';
/** Where the offline install leaves the system path the host built (read by nixos-install). */
const OFFLINE_SYSTEM = `${ROOT}/tmp/darlings-system`;

/**
 * nixos-generate-config, then the harness's files beside the generated hardware-configuration.nix
 * (which is checked, never edited: mounts.nix and optin.nix add to it).
 */
function configureCommands(plan: Plan): ProcedureCommand[] {
  const dir = `${ROOT}${CONFIG_DIR}`;
  const files = Object.entries(nixosConfigFiles(plan, { installRoot: ROOT }, 'install'));
  // The user's own folder keeps its layout under user/ (their relative imports).
  const folders = [...new Set(files.map(([name]) => name).filter((n) => n.includes('/')).map((n) => n.slice(0, n.lastIndexOf('/'))))];
  return [
    { phase: 'configure', name: 'generate the hardware configuration', command: `nixos-generate-config --root ${ROOT}`, guest },
    { phase: 'configure', name: READ_HARDWARE, command: `cat ${HARDWARE}`, guest, note: 'look: it must name the LUKS device and mount every subvolume (the harness checks this and never edits the file)' },
    ...(folders.length ? [{ phase: 'configure', name: 'folders of your own configuration', command: `mkdir -p ${folders.map((f) => shQuote(`${dir}/${f}`)).join(' ')}`, guest }] : []),
    ...files.map(([name, text]) =>
      fileCommand('configure', `${dir}/${name}`, text, 0o644, { guest, ...(name.startsWith('darlings') && { note: HARNESS_ONLY }) }),
    ),
  ];
}

/** Fails as a check when nixos-generate-config wrote a hardware config that misses the layout. */
function inspect(c: ProcedureCommand, stdout: string, plan: Plan): void {
  if (c.name !== READ_HARDWARE) return;
  const problems = hardwareProblems(stdout, plan);
  if (problems.length > 0) throw new CheckFailed(`nixos-generate-config wrote a hardware-configuration.nix that ${problems.join('; ')}`);
}

async function writeConfig(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void> {
  await executeCommands(shell, plan, configureCommands(plan), inspect, signal);
}

/** On the first boot: the blog adds the opt-in module and runs `nixos-rebuild boot`. */
function optInCommands(plan: Plan): ProcedureCommand[] {
  return [
    fileCommand('first-boot-state', `${CONFIG_DIR}/optin.nix`, nixosConfigFiles(plan)['optin.nix']!, 0o644, { guest, note: 'the opt-in state: persisted /etc entries, tmpfiles L rules, the rollback' }),
    { phase: 'first-boot-state', name: 'make it the next boot\'s system', command: 'nixos-rebuild boot', guest, long: true },
  ];
}

async function applyOptIn(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void> {
  await executeCommands(shell, plan, optInCommands(plan), undefined, signal);
}

/**
 * nixos-install from the binary cache (substituters as the installer has them), or, for
 * `offlineInstall`, from a closure built on the host and imported into /mnt's store
 * (prepareInstall), whose path nixos-install reads from OFFLINE_SYSTEM.
 */
function installCommands(plan: Plan): ProcedureCommand[] {
  if (plan.nixosOwn?.kind === 'flake') {
    // The user's flake with the harness's module (own.ts); its inputs come as its lock says.
    return [{ phase: 'install', name: 'install NixOS from your flake', command: `nixos-install --no-root-passwd --root ${ROOT} --flake ${shQuote(`${ROOT}${CONFIG_DIR}#${OWN_FLAKE_ATTR}`)}`, guest, long: true }];
  }
  if (!plan.offlineInstall) return [{ phase: 'install', name: 'install NixOS', command: `nixos-install --no-root-passwd --root ${ROOT}`, guest, long: true }];
  return [{
    phase: 'install', name: 'install NixOS (the system built on the host)', guest, long: true,
    command: `nixos-install --no-root-passwd --no-channel-copy --root ${ROOT} --system "$(cat ${OFFLINE_SYSTEM})"`,
    note: 'offline install: the harness built the system on the host and imported its closure into /mnt/nix/store first; with a binary cache a person runs nixos-install --no-root-passwd --root /mnt',
  }];
}

async function prepareInstall(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void> {
  if (!plan.offlineInstall) return;
  const system = await importHostClosure(shell, plan, signal);
  await shell.upload(OFFLINE_SYSTEM, system, 0o644);
}

async function install(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void> {
  await prepareInstall(shell, plan, signal);
  await executeCommands(shell, plan, installCommands(plan), undefined, signal);
}

/**
 * Builds the system on the host from the guest's own /etc/nixos and streams its closure into the
 * store under /mnt: the guest needs no network for the install.
 */
async function importHostClosure(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'darlings-nixos-offline-'));
  try {
    const files = { ...nixosConfigFiles(plan, {}, 'install'), 'hardware-configuration.nix': '' };
    files['hardware-configuration.nix'] = await shell.expectSuccess(`cat ${ROOT}${CONFIG_DIR}/hardware-configuration.nix`, sig(signal));
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), text, { mode: 0o600 });
    }
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
function passwordCommands(plan: Plan): ProcedureCommand[] {
  const file = `${ROOT}${passwordFile(plan)}`;
  const dir = file.slice(0, file.lastIndexOf('/'));
  return [{
    phase: 'install', name: `set the password of ${plan.user.name}`, guest, stdin: { secret: 'password' },
    command: `umask 077 && mkdir -p ${shQuote(dir)} && chmod 0700 ${shQuote(dir)} && mkpasswd -m sha-512 -s > ${shQuote(`${file}.tmp`)} && mv ${shQuote(`${file}.tmp`)} ${shQuote(file)}`,
    note: 'only the hash is written, to the file configuration.nix names in hashedPasswordFile',
  }];
}

async function setPassword(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void> {
  await executeCommands(shell, plan, passwordCommands(plan), undefined, signal);
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
  configureCommands,
  installCommands,
  passwordCommands,
  inspect,
  prepareInstall,
  writeConfig,
  applyOptIn,
  optInCommands,
  install,
  setPassword,
  /** NixOS has every /etc entry the blog persists, under the same name. */
  etcEntry: (name) => name,
  passphrasePrompt: NIXOS_PASSPHRASE_PROMPT,
  passphraseRefused: NIXOS_PASSPHRASE_REFUSED,
};
