/**
 * The phases that start, boot and stop the machine, as functions of the run's context. Each
 * registers the teardown of what it sets up; the procedure's own commands live in procedure/.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDisk } from '../vm/disk.ts';
import { copyVars } from '../vm/firmware.ts';
import { generateClientKey, HOSTKEY_LINE } from '../channels/keys.ts';
import { Guest } from '../session/guest.ts';
import { unlockAndLogIn } from '../procedure/unlock.ts';
import { closeInstallation } from '../procedure/finish-install.ts';
import type { RunContext } from './run-context.ts';

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
  const workDir = await mkdtemp(join(tmpdir(), 'darlings-'));
  run.seq.teardowns.add('remove the work folder', async () => {
    if (!run.o.keepVm) await rm(workDir, { recursive: true, force: true });
    else run.log(`kept the VM files in ${workDir} (--keep-vm)`);
  });
  const disk = join(workDir, 'nvme0.qcow2');
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
export async function bootTarget(run: RunContext, label: string): Promise<void> {
  const guest = run.booted;
  const m = await guest.boot(label, { installer: false });
  const r = await unlockAndLogIn(m.serial, run.plan, run.o.driver, run.seq.step, run.o.signal);
  if (r.rollbackLines.length) run.log(`rollback: ${r.rollbackLines.join(' | ')}`);
  const boot = guest.boots.length;
  run.record({ stage1: [...(run.facts.stage1 ?? []), { boot, initrd: run.plan.initrd, text: r.stage1Text }] });
  await run.seq.step('connect over SSH (host key pinned from the console)', () => guest.connect(r.hostKeyLine));
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
