/**
 * The phases that start, boot and stop the machine, as functions of the run's context. Each
 * registers the teardown of what it sets up; the procedure's own commands live in procedure/.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDisk } from '../vm/disk.ts';
import { copyVars } from '../vm/firmware.ts';
import { generateClientKey, HOSTKEY_LINE } from '../channels/keys.ts';
import { Guest } from '../session/guest.ts';
import { unlockAndLogIn } from '../procedure/unlock.ts';
import { setPasswordWithPasswd } from '../procedure/state.ts';
import { closeInstallation } from '../procedure/finish-install.ts';
import type { RunContext } from './run-context.ts';
import { holdImage } from '../cache/use.ts';
import { KEPT_VM_FILE, keptVmText } from '../debug/kept-vm.ts';

/** Builds or reuses the image, then makes this run's machine files and its Guest. */
export async function prepareMachine(run: RunContext): Promise<void> {
  const { driver, signal } = run.o;
  const plan = run.plan;
  const image = await driver.buildImage({
    cacheDir: run.o.cacheDir,
    signal,
    nixpkgs: run.o.nixpkgs ?? plan.nixpkgs,
    kernel: plan.kernel.name,
    onProgress: (line) => run.log(`[build] ${line}`),
  });
  run.seq.teardowns.add('release the image', await holdImage(run.o.cacheDir, image, { scenario: plan.name, guest: plan.guest, kernel: plan.kernel.name }));
  const workDir = await mkdtemp(join(tmpdir(), 'darlings-'));
  const disk = join(workDir, 'nvme0.qcow2');
  run.seq.teardowns.add('remove the work folder', async () => {
    if (!run.o.keepVm) return rm(workDir, { recursive: true, force: true });
    // For `darlings shell <output-dir>`: where the disk is and which scenario unlocks it (no secret).
    const kept = keptVmText({ workDir, disk, vars: join(workDir, 'OVMF_VARS.fd'), scenarioFile: plan.file, guest: plan.guest, kernel: plan.kernel.name, profile: plan.profile.name });
    await run.out.writeText(KEPT_VM_FILE, kept);
    await writeFile(join(workDir, KEPT_VM_FILE), kept, { mode: 0o600 });
    run.log(`kept the VM files in ${workDir} (--keep-vm; darlings shell ${run.o.info.outputDir})`);
  });
  await createDisk(disk, plan.disk.sizeMiB, signal);
  const vars = await copyVars(run.o.ovmf.vars, join(workDir, 'OVMF_VARS.fd'));
  run.files = {
    workDir,
    iso: image.iso,
    disk,
    vars,
    imageKey: image.key,
    ...(typeof image.facts.kernel === 'string' && { kernelRelease: image.facts.kernel }),
  };
  if (run.files.kernelRelease) run.record({ expectedKernel: run.files.kernelRelease });
  const sshLog = run.out.createWriteStream('ssh.log');
  run.seq.teardowns.add('close ssh.log', () => new Promise<void>((r) => sshLog.end(r)));
  const guest = new Guest({
    plan,
    accel: run.o.accel.accel,
    ovmfCode: run.o.ovmf.code,
    vars,
    disk,
    iso: image.iso,
    workDir,
    key: generateClientKey(`darlings-${run.runId}`),
    artifacts: run.out,
    redactor: run.o.redactor,
    signal,
    startedAt: run.seq.o.startedAt,
    onBoot: (b) => run.o.emit({ type: 'boot', runId: run.runId, boot: b.index, label: b.label, at: Date.now() }),
    sshTranscript: (t) => sshLog.write(t),
  });
  run.guest = guest;
  run.seq.teardowns.add('stop QEMU and close the serial logs', () => guest.close());
}

export async function bootInstaller(run: RunContext): Promise<void> {
  const guest = run.booted;
  const { plan } = run;
  const { signal } = run.o;
  const m = await guest.boot(`installer (${plan.guest})`, { installer: true });
  const hk = await run.seq.step('wait for the installer to announce its ssh host key', () =>
    m.serial.waitFor(HOSTKEY_LINE, { timeoutMs: plan.timeouts.bootMs, signal, what: 'the installer to boot and announce its ssh host key' }),
  );
  await run.seq.step('wait for the installer to be ready', () =>
    m.serial.waitFor(/darlings-ready: installer/, { timeoutMs: plan.timeouts.bootMs, signal, what: 'the installer to be ready (darlings-ready: installer)' }),
  );
  await run.seq.step('connect over SSH (host key pinned from the console)', () => guest.connect(hk[1]!));
}

/** The install's end: filesystems unmounted and the mapping closed, then the machine off. */
export async function powerOffInstaller(run: RunContext): Promise<void> {
  await closeInstallation(run.stepContext());
  // The blog reboots with the stick still in; here it is pulled while the machine is off.
  await run.seq.step('power off the installer', () => run.booted.shutDownFromInside('poweroff'));
}

/**
 * A boot of the installed system as a person does it: passphrase at the prompt, the rollback,
 * login on the console; then SSH with the host key that boot announced.
 */
export async function bootTarget(run: RunContext, label: string, o: { firstBoot?: boolean } = {}): Promise<void> {
  const guest = run.booted;
  const m = await guest.boot(label, { installer: false });
  // SSH before the console login, so the blog's `passwd delta` (as root) can come first.
  const r = await unlockAndLogIn(m.serial, run.plan, run.o.driver, run.seq.step, run.o.signal, async (hostKeyLine) => {
    await run.seq.step('connect over SSH (host key pinned from the console)', () => guest.connect(hostKeyLine));
    if (o.firstBoot && run.plan.user.passwordVia === 'passwd') await setPasswordWithPasswd(run.stepContext());
  });
  if (r.rollbackLines.length) run.log(`rollback: ${r.rollbackLines.join(' | ')}`);
  const boot = guest.boots.length;
  run.record({
    stage1: [...(run.facts.stage1 ?? []), { boot, initrd: run.plan.initrd, text: r.stage1Text, optedIn: !o.firstBoot }],
    login: [...(run.facts.login ?? []), { boot, ...r.login }],
  });
}

/**
 * The end of the run. The disk is thrown away with the work folder, so QEMU just stops, as the
 * nixpkgs test driver ends its VMs (a clean shutdown cost ~3 s under TCG; the reboot before the
 * checks already ran one). With --keep-vm the disk is kept: then a clean shutdown from inside.
 */
export async function powerOffTarget(run: RunContext): Promise<void> {
  const guest = run.booted;
  if (!run.o.keepVm) await run.seq.step('stop QEMU (the disk is discarded)', () => guest.powerCut());
  else await run.seq.step('shut down cleanly (--keep-vm keeps the disk)', () => guest.powerOff());
}

/** A screenshot of the screen at a failure; a nicety that never hides the real failure. */
export async function screenshotAt(run: RunContext, phase: string): Promise<void> {
  const name = `screenshot-${phase}.png`;
  const path = await run.guest?.screenshot(name).catch(() => undefined);
  if (path) run.o.emit({ type: 'artifact', runId: run.runId, name, path, at: Date.now() });
}
