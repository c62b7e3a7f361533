/**
 * One run of one Plan: build or reuse the image, boot the installer, run the blog's install,
 * boot the installed system (passphrase, rollback, login), persist state, reboot, check.
 * Every phase is timed and reported; a failing phase stops the run, its teardowns still run, and
 * the results are written whatever happened.
 */
import { access, chmod, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckpointStage, Plan } from '../scenario/plan.ts';
import type { GuestDriver } from '../guests/guest.ts';
import type { Emit, RunInfo } from '../report/events.ts';
import type { CheckResult, PhaseResult, RunResult } from '../report/results.ts';
import { OutputDir } from '../report/output-dir.ts';
import type { Redactor } from '../util/redact.ts';
import type { Accel } from '../vm/accel.ts';
import type { OvmfPair } from '../vm/firmware.ts';
import { copyVars } from '../vm/firmware.ts';
import { createDisk, createOverlay } from '../vm/disk.ts';
import { cachedBuild } from '../guests/image-cache.ts';
import { basePlanOf, checkpointFiles, checkpointKey, CHECKPOINT_DISK, CHECKPOINT_VARS, loadCheckpointFacts, mergeOntoBase, saveCheckpoint } from './checkpoint.ts';
import { freePort } from '../vm/ports.ts';
import { Machine, QEMU_BINARY } from '../vm/machine.ts';
import { qemuArgs, shellQuote } from '../vm/qemu-args.ts';
import { generateClientKey, hostKeyBlob, HOSTKEY_LINE, type ClientKey } from '../channels/keys.ts';
import { SshChannel } from '../channels/ssh.ts';
import { installPhases, unmountOrder } from '../procedure/install.ts';
import { unlockAndLogIn } from '../procedure/unlock.ts';
import { cutPowerMidWrite } from '../procedure/power-cut.ts';
import { persistOnFirstBoot, setPasswordWithPasswd, writeCanaries } from '../procedure/state.ts';
import type { Facts, StepContext } from '../procedure/context.ts';
import { runChecks } from './run-checks.ts';
import { machineSpec } from './machine-spec.ts';
import { ALL_CHECKS, checksForPlan } from '../checks/index.ts';
import { judgeChecks, runStatus, statusForError } from './judge.ts';
import { Teardowns } from './teardowns.ts';
import { annotateExpectations, recipeNotes } from './recipe-notes.ts';
import { AbortedError, InfraError } from '../errors.ts';

export interface RunOptions {
  plan: Plan;
  driver: GuestDriver;
  info: RunInfo;
  emit: Emit;
  accel: Accel;
  ovmf: OvmfPair;
  cacheDir: string;
  redactor: Redactor;
  keepVm: boolean;
  signal: AbortSignal;
  /** nixos: nixpkgs for the image build. */
  nixpkgs?: string;
}

/** Runs the plan; never throws for a failure of the run itself (that is in the result). */
export async function runPlan(o: RunOptions): Promise<RunResult> {
  return new PlanRun(o).run();
}

class PlanRun {
  readonly started = Date.now();
  readonly out: OutputDir;
  readonly phases: PhaseResult[] = [];
  checks: CheckResult[] = [];
  readonly boots: NonNullable<RunResult['boots']> = [];
  readonly teardowns = new Teardowns();
  readonly facts: Facts = {};
  failed?: { phase: string; error: unknown };
  machine?: Machine;
  ssh?: SshChannel;
  workDir = '';
  iso = '';
  disk = '';
  vars = '';
  key!: ClientKey;
  imageKey = '';
  /** The plan this run boots with (for `from:` runs, merged onto the base's install). */
  plan: Plan;
  depth = 0;
  currentPhase = '';
  sshLog?: NodeJS.WritableStream;
  /** What a `from:` run booted, for results.json. */
  checkpoint?: RunResult['checkpoint'];
  /** The plan whose first-boot checkpoint this run keeps at its reboot (none for most `from:` runs). */
  firstBootShaping?: Plan;
  /** Set when the run resumes after the first boot: it boots once and checks. */
  resumedAfterFirstBoot = false;

  constructor(readonly o: RunOptions) {
    this.out = new OutputDir(o.info.outputDir, o.redactor);
    this.plan = o.plan;
  }

  get runId(): string {
    return this.o.info.runId;
  }

  async run(): Promise<RunResult> {
    const { emit, info, accel } = this.o;
    const plan = this.o.plan;
    await this.out.ensure();
    emit({ type: 'run-begin', run: info, accel: accel.accel, accelNote: accel.note, at: Date.now() });
    try {
      await this.phase('image', () => this.image());
      if (plan.from) await this.startFromCheckpoint();
      else {
        await this.install();
        await this.phase('checkpoint', async () => {
          await this.keepCheckpoint(this.plan, 'installed');
        });
        if (!plan.powerCut) this.firstBootShaping = this.plan;
      }
      if (this.resumedAfterFirstBoot) {
        await this.phase('reboot', () => this.bootTarget('after the reboot (from the first-boot checkpoint)', true));
      } else {
        await this.phase('first-boot', () => this.bootTarget('first boot of the installed system', true, true));
        await this.phase('first-boot-state', async () => {
          await persistOnFirstBoot(this.stepContext());
          await writeCanaries(this.stepContext());
          await this.saveKernelLog();
        });
        if (plan.powerCut) await this.phase('power-cut', () => this.powerCutMidWrite(plan.powerCut!));
        else await this.phase('reboot', () => this.reboot());
      }
      await this.phase('checks', async () => {
        this.facts.currentBoot = this.boots.length;
        this.checks = await runChecks({ checks: checksForPlan(plan), plan: this.plan, shell: this.ssh!, facts: this.facts, out: this.out, emit, runId: this.runId, signal: this.o.signal, step: this.step });
      });
      await this.phase('power-off', () => this.powerOffTarget());
    } catch {
      // The failing phase is recorded; what remains is teardown and the result.
    } finally {
      this.ssh?.close();
      await this.teardowns.run();
    }
    return this.result();
  }

  /** Times a nested step and reports it ("wait for the passphrase prompt … 31.2 s"). */
  step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    // 0 for a step directly in a phase, 1 inside another step, …
    const depth = this.depth++;
    const at = Date.now();
    this.o.emit({ type: 'step-begin', runId: this.runId, phase: this.currentPhase, step: name, depth, at });
    let ok = false;
    try {
      const v = await fn();
      ok = true;
      return v;
    } finally {
      this.depth--;
      this.o.emit({ type: 'step-end', runId: this.runId, phase: this.currentPhase, step: name, depth, durationMs: Date.now() - at, ok, at: Date.now() });
    }
  };

  /** The blog's install from a blank disk: installer boot, the phases, clean power-off. */
  async install(): Promise<void> {
    await this.phase('boot-installer', () => this.bootInstaller());
    for (const p of installPhases) await this.phase(p.name, () => p.run(this.stepContext()));
    await this.phase('power-off-installer', () => this.powerOffInstaller());
  }

  /**
   * Keeps the disk and vars (and, after the first boot, its facts) in the cache; a no-op when
   * that checkpoint exists. Only ever called with the machine off.
   */
  async keepCheckpoint(shaping: Plan, stage: CheckpointStage): Promise<string> {
    const key = checkpointKey(shaping, this.imageKey, stage);
    const facts = stage === 'first-boot' ? this.facts : undefined;
    const built = await cachedBuild({
      cacheDir: this.o.cacheDir,
      name: 'checkpoints',
      key,
      outputs: checkpointFiles(stage),
      signal: this.o.signal,
      build: (out) => saveCheckpoint(this.disk, this.vars, out, facts),
    });
    this.o.emit({ type: 'log', runId: this.runId, level: 'info', message: `checkpoint ${key} ${built.cached ? 'exists' : 'saved'}`, at: Date.now() });
    return built.dir;
  }

  /**
   * `from: <scenario>@<stage>`: boot overlays on the base scenario's checkpoint. A missing one
   * (or a stale one: its key changes with its inputs) is rebuilt here: install, and for
   * `first-boot` the first boot too, keeping the checkpoints on the way.
   */
  async startFromCheckpoint(): Promise<void> {
    const from = this.o.plan.from!;
    const base = await basePlanOf(this.o.plan);
    for (const s of base.secrets) this.o.redactor.add(s);
    this.plan = mergeOntoBase(this.o.plan, base);
    const key = checkpointKey(base, this.imageKey, from.checkpoint);
    const dir = join(this.o.cacheDir, 'checkpoints', key);
    const have = await Promise.all(checkpointFiles(from.checkpoint).map((f) => access(join(dir, f)).then(() => true, () => false)));
    const label = `${from.scenario}@${from.checkpoint}`;
    if (!have.every(Boolean)) {
      this.checkpoint = { from: label, key, rebuilt: true };
      this.o.emit({ type: 'log', runId: this.runId, level: 'warn', message: `checkpoint ${key} is missing: ${from.checkpoint === 'first-boot' ? 'installing and booting' : 'installing'} ${base.name} first`, at: Date.now() });
      await this.install();
      await this.phase('checkpoint', async () => {
        await this.keepCheckpoint(base, 'installed');
      });
      if (from.checkpoint === 'first-boot') this.firstBootShaping = base;
      return;
    }
    this.checkpoint = { from: label, key, rebuilt: false };
    await this.phase('checkpoint', async () => {
      await rm(this.disk, { force: true });
      await createOverlay(this.disk, join(dir, CHECKPOINT_DISK), this.o.signal);
      await copyFile(join(dir, CHECKPOINT_VARS), this.vars);
      await chmod(this.vars, 0o600);
      if (from.checkpoint === 'first-boot') {
        Object.assign(this.facts, await loadCheckpointFacts(dir, from.scenario));
        this.resumedAfterFirstBoot = true;
      }
      this.o.emit({ type: 'log', runId: this.runId, level: 'info', message: `booting overlays on checkpoint ${key}`, at: Date.now() });
    });
  }

  async phase(name: string, fn: () => Promise<void>): Promise<void> {
    if (this.o.signal.aborted) throw new AbortedError(String(this.o.signal.reason?.message ?? 'aborted'));
    const at = Date.now();
    this.currentPhase = name;
    this.o.emit({ type: 'phase-begin', runId: this.runId, phase: name, at });
    try {
      await fn();
      this.phases.push({ name, status: 'passed', durationMs: Date.now() - at, startMs: at - this.started });
      this.o.emit({ type: 'phase-end', runId: this.runId, phase: name, status: 'passed', durationMs: Date.now() - at, at: Date.now() });
    } catch (error) {
      const status = this.o.signal.aborted ? 'error' : statusForError(error);
      const message = this.o.redactor.redact(error instanceof Error ? error.message : String(error));
      this.failed = { phase: name, error };
      this.phases.push({ name, status, durationMs: Date.now() - at, error: message, startMs: at - this.started });
      // Not when interrupted: the user asked to stop, and under load a QMP round trip can eat the
      // grace period a CI runner gives before SIGKILL.
      if (!this.o.signal.aborted) await this.screenshot(name);
      this.o.emit({ type: 'phase-end', runId: this.runId, phase: name, status, durationMs: Date.now() - at, error: message, at: Date.now() });
      throw error;
    }
  }

  stepContext(): StepContext {
    if (!this.ssh || !this.machine) throw new InfraError('No machine is booted');
    return {
      plan: this.plan,
      driver: this.o.driver,
      shell: this.ssh,
      serial: this.machine.serial,
      step: this.step,
      facts: this.facts,
      signal: this.o.signal,
      log: (message) => this.o.emit({ type: 'log', runId: this.runId, level: 'info', message, at: Date.now() }),
    };
  }

  async image(): Promise<void> {
    const { driver } = this.o;
    const plan = this.plan;
    const image = await driver.buildImage({
      cacheDir: this.o.cacheDir,
      signal: this.o.signal,
      nixpkgs: this.o.nixpkgs ?? plan.nixpkgs,
      kernel: plan.kernel.name,
      onProgress: (line) => this.o.emit({ type: 'log', runId: this.runId, level: 'info', message: `[build] ${line}`, at: Date.now() }),
    });
    this.iso = image.iso;
    this.imageKey = image.key;
    this.workDir = await mkdtemp(join(tmpdir(), 'darlings-'));
    this.teardowns.add('remove the work folder', async () => {
      if (!this.o.keepVm) await rm(this.workDir, { recursive: true, force: true });
      else this.o.emit({ type: 'log', runId: this.runId, level: 'info', message: `kept the VM files in ${this.workDir} (--keep-vm)`, at: Date.now() });
    });
    this.key = generateClientKey(`darlings-${this.runId}`);
    this.disk = join(this.workDir, 'nvme0.qcow2');
    await createDisk(this.disk, plan.disk.sizeMiB, this.o.signal);
    this.vars = await copyVars(this.o.ovmf.vars, join(this.workDir, 'OVMF_VARS.fd'));
    this.sshLog = this.out.createWriteStream('ssh.log');
    this.teardowns.add('close ssh.log', () => new Promise<void>((r) => this.sshLog!.end(r)));
  }

  /** Starts QEMU for the next boot, with its own serial log. */
  async startMachine(withInstaller: boolean, label: string): Promise<Machine> {
    const plan = this.plan;
    const spec = machineSpec({
      plan,
      accel: this.o.accel.accel,
      ovmfCode: this.o.ovmf.code,
      ovmfVars: this.vars,
      disk: this.disk,
      iso: withInstaller ? this.iso : undefined,
      sshPort: await freePort(),
      workDir: this.workDir,
      publicKey: this.key.publicKey,
      boot: this.boots.length + 1,
    });
    // The exact command line, for people reproducing a boot (its paths are this run's own).
    await this.out.writeText(`qemu-${this.boots.length + 1}.sh`, `${shellQuote([QEMU_BINARY, ...qemuArgs(spec)])}\n`);
    const machine = await Machine.start(spec, { redactor: this.o.redactor, signal: this.o.signal });
    this.machine = machine;
    this.teardowns.add(`stop QEMU (${label})`, () => machine.stop());
    this.newBootLog(label);
    return machine;
  }

  newBootLog(label: string): void {
    const index = this.boots.length + 1;
    const name = `serial-${index}.log`;
    const stream = this.out.createWriteStream(name);
    this.machine!.serial.setTranscript((t) => stream.write(t));
    this.teardowns.add(`close ${name}`, () => new Promise<void>((r) => stream.end(r)));
    this.boots.push({ index, label, serialLog: name, startMs: Date.now() - this.started });
    this.o.emit({ type: 'boot', runId: this.runId, boot: index, label, at: Date.now() });
  }

  async connectSsh(hostKeyLine: string): Promise<void> {
    const plan = this.plan;
    this.ssh?.close();
    this.ssh = await this.step('connect over SSH (host key pinned from the console)', () =>
      SshChannel.connect({
        port: this.machine!.spec.sshPort,
        privateKey: this.key.privateKey,
        hostKey: hostKeyBlob(hostKeyLine),
        connectTimeoutMs: plan.timeouts.sshConnectMs,
        commandTimeoutMs: plan.timeouts.commandMs,
        redactor: this.o.redactor,
        transcript: (t) => this.sshLog?.write(t),
        signal: this.o.signal,
      }),
    );
  }

  async bootInstaller(): Promise<void> {
    const plan = this.plan;
    const m = await this.startMachine(true, `installer (${plan.guest})`);
    const hk = await this.step('wait for the installer to announce its ssh host key', () =>
      m.serial.waitFor(HOSTKEY_LINE, { timeoutMs: plan.timeouts.bootMs, signal: this.o.signal, what: 'the installer to boot and announce its ssh host key' }),
    );
    await this.step('wait for the installer to be ready', () =>
      m.serial.waitFor(/darlings-ready: installer/, { timeoutMs: plan.timeouts.bootMs, signal: this.o.signal, what: 'the installer to be ready (darlings-ready: installer)' }),
    );
    await this.connectSsh(hk[1]!);
  }

  async powerOffInstaller(): Promise<void> {
    const plan = this.plan;
    const ssh = this.ssh!;
    await this.step('unmount and close enc', () =>
      ssh.expectSuccess(`sync && umount ${unmountOrder(plan).join(' ')} && swapoff -a && cryptsetup close ${plan.luks.mapping}`, { timeoutMs: plan.timeouts.commandMs }),
    );
    // The blog reboots with the stick still in; here it is pulled while the machine is off.
    await this.step('power off the installer', async () => {
      await ssh.run('poweroff', { timeoutMs: 5000 }).catch(() => undefined);
      ssh.close();
      this.ssh = undefined;
      await this.machine!.waitForShutdown(plan.timeouts.shutdownMs);
    });
  }

  /**
   * The end of the run. The disk is thrown away with the work folder, so QEMU just stops, as
   * the nixpkgs test driver ends its VMs (a clean shutdown cost ~3 s under TCG; the reboot
   * before the checks already ran one). With --keep-vm the disk is kept to be looked at or
   * booted again: then a clean shutdown from inside (QMP quit if it hangs).
   */
  async powerOffTarget(): Promise<void> {
    const ssh = this.ssh;
    this.ssh = undefined;
    if (!this.o.keepVm) {
      await this.step('stop QEMU (the disk is discarded)', async () => {
        ssh?.close();
        await this.machine!.powerCut();
      });
      return;
    }
    await this.step('shut down cleanly (--keep-vm keeps the disk)', async () => {
      if (ssh) {
        await ssh.run('systemctl poweroff', { timeoutMs: 10_000 }).catch(() => undefined);
        ssh.close();
      }
      await this.machine!.powerOff(this.plan.timeouts.shutdownMs);
    });
  }

  async bootTarget(label: string, startQemu: boolean, firstBoot = false): Promise<void> {
    const m = startQemu ? await this.startMachine(false, label) : this.machine!;
    // SSH first, so the blog's `passwd delta` (as root) can run before the user logs in.
    const r = await unlockAndLogIn(m.serial, this.plan, this.o.driver, this.step, this.o.signal, async (hostKeyLine) => {
      await this.connectSsh(hostKeyLine);
      if (firstBoot && this.plan.user.passwordVia === 'passwd') await setPasswordWithPasswd(this.stepContext());
    });
    (this.facts.login ??= []).push({ boot: this.boots.length, ...r.login });
    if (r.rollbackLines.length) this.o.emit({ type: 'log', runId: this.runId, level: 'info', message: `rollback: ${r.rollbackLines.join(' | ')}`, at: Date.now() });
  }

  /**
   * The guest reboots itself (systemd's whole shutdown runs); QEMU exits at the reset instead of
   * resetting (-no-reboot), and the next boot is a cold start on the same disk and vars. While
   * the machine is off, the first-boot checkpoint is kept.
   */
  async reboot(): Promise<void> {
    const ssh = this.ssh!;
    await this.step('reboot (systemctl reboot)', async () => {
      await ssh.run('systemctl reboot', { timeoutMs: 10_000 }).catch(() => undefined);
      ssh.close();
      this.ssh = undefined;
      await this.machine!.waitForShutdown(this.plan.timeouts.shutdownMs);
    });
    const shaping = this.firstBootShaping;
    if (shaping) await this.step('keep the first-boot checkpoint', () => this.keepCheckpoint(shaping, 'first-boot'));
    await this.bootTarget('after the reboot', true);
  }

  /** The kernel log of this boot, kept for kernel.log-clean and as dmesg-<boot>.txt. */
  async saveKernelLog(): Promise<void> {
    const boot = this.boots.length;
    const r = await this.ssh!.run('dmesg', { timeoutMs: this.plan.timeouts.commandMs });
    (this.facts.kernelLogs ??= []).push({ boot, text: r.stdout });
    await this.out.writeText(`dmesg-${boot}.txt`, r.stdout);
  }

  /**
   * Everything before this is synced; now start unsynced writes to /persist and /, pull the plug
   * while they run, and boot again (passphrase, rollback, login) on the same disk.
   */
  async powerCutMidWrite(cut: { writeMiB: number; afterMs: number }): Promise<void> {
    this.facts.powerCut = await cutPowerMidWrite(this.stepContext(), cut, async () => {
      this.ssh?.close();
      this.ssh = undefined;
      await this.machine!.powerCut();
    });
    await this.bootTarget('after the power cut', true);
  }

  async screenshot(phase: string): Promise<void> {
    const m = this.machine;
    if (!m?.running) return;
    const name = `screenshot-${phase}.png`;
    try {
      await m.screenshot(this.out.resolve(name));
      await chmod(this.out.resolve(name), 0o600);
      this.o.emit({ type: 'artifact', runId: this.runId, name, path: this.out.resolve(name), at: Date.now() });
    } catch {
      // A screenshot is a nicety; failing to take one must not hide the real failure.
    }
  }

  async result(): Promise<RunResult> {
    const { plan, info, accel } = this.o;
    if (this.failed && !this.checks.length) {
      this.checks = ALL_CHECKS.map((c) => ({ id: c.id, status: 'skipped' as const, message: `not run: phase ${this.failed!.phase} did not pass`, expectedFailure: false }));
    }
    const checks = annotateExpectations(judgeChecks(this.checks, plan.expectedFailures), plan);
    const failedError = this.failed ? this.o.redactor.redact(this.failed.error instanceof Error ? this.failed.error.message : String(this.failed.error)) : undefined;
    const result: RunResult = {
      scenario: plan.name,
      guest: plan.guest,
      status: runStatus(this.phases, checks, plan.expectedFailures),
      durationMs: Date.now() - this.started,
      accel: accel.accel,
      phases: this.phases,
      checks,
      profile: plan.profile.name,
      kernel: plan.kernel.name,
      startedAt: new Date(this.started).toISOString(),
      ...(failedError && { error: `${this.failed!.phase}: ${failedError}` }),
      boots: this.boots,
      outputDir: info.outputDir,
      ...(this.checkpoint && { checkpoint: this.checkpoint }),
      ...recipeNotes(this.plan, checks, this.facts),
    };
    result.artifacts = await this.out.list().catch(() => []);
    this.o.emit({ type: 'run-end', runId: this.runId, result, at: Date.now() });
    return result;
  }
}
