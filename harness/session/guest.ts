/**
 * A Guest owns one machine's life across its boots: it starts QEMU for each boot (each with its
 * serial log and its QEMU command line kept), connects SSH with the host key the console
 * announced, and has the plain verbs a person has at the machine: reboot (a power cycle), power
 * off, pull the plug, take a screenshot. What the procedure types or runs is not here: steps get
 * the guest's channels and return facts.
 */
import { chmod } from 'node:fs/promises';
import type { Plan } from '../scenario/plan.ts';
import { Machine, QEMU_BINARY } from '../vm/machine.ts';
import { qemuArgs } from '../vm/qemu-args.ts';
import { shellLine } from '../util/shell.ts';
import { freePort } from '../vm/ports.ts';
import { hostKeyBlob, type ClientKey } from '../channels/keys.ts';
import { SshChannel } from '../channels/ssh.ts';
import type { SerialConsole } from '../channels/serial.ts';
import type { Redactor } from '../util/redact.ts';
import { InfraError } from '../errors.ts';
import { machineSpec } from './machine-spec.ts';

/** Where a guest keeps what it produces (the run's output folder fits). */
export interface ArtifactSink {
  createWriteStream(name: string): NodeJS.WritableStream;
  writeText(name: string, text: string): Promise<string>;
  resolve(name: string): string;
}

export interface BootRecord {
  index: number;
  label: string;
  serialLog: string;
  /** Since the run started. */
  startMs: number;
}

export interface GuestOptions {
  plan: Plan;
  accel: 'kvm' | 'tcg';
  ovmfCode: string;
  /** This run's private copy of the OVMF vars. */
  vars: string;
  disk: string;
  /** The installer ISO, attached for installer boots only. */
  iso: string;
  workDir: string;
  key: ClientKey;
  artifacts: ArtifactSink;
  redactor: Redactor;
  signal: AbortSignal;
  /** When the run started, for boot offsets. */
  startedAt: number;
  /** Told of each boot as it starts (the `boot` event). */
  onBoot?: (boot: BootRecord) => void;
  /** The SSH transcript of every connection, redacted by the channel. */
  sshTranscript?: (text: string) => void;
}

export class Guest {
  readonly boots: BootRecord[] = [];
  #machine?: Machine;
  #ssh?: SshChannel;
  readonly #logs: NodeJS.WritableStream[] = [];

  constructor(readonly o: GuestOptions) {}

  get machine(): Machine {
    if (!this.#machine) throw new InfraError('No machine is booted');
    return this.#machine;
  }

  get serial(): SerialConsole {
    return this.machine.serial;
  }

  /** The SSH channel of the current boot; a step that needs it before login is an error. */
  get shell(): SshChannel {
    if (!this.#ssh) throw new InfraError('No SSH connection to the guest (not booted or not logged in yet)');
    return this.#ssh;
  }

  get connected(): boolean {
    return this.#ssh !== undefined;
  }

  get running(): boolean {
    return this.#machine?.running ?? false;
  }

  /** Starts QEMU for the next boot, with its own serial log and its command line as qemu-<n>.sh. */
  async boot(label: string, { installer }: { installer: boolean }): Promise<Machine> {
    if (this.#machine?.running) throw new InfraError(`Cannot boot ${label}: the previous boot is still running`);
    const index = this.boots.length + 1;
    const spec = machineSpec({
      plan: this.o.plan,
      accel: this.o.accel,
      ovmfCode: this.o.ovmfCode,
      ovmfVars: this.o.vars,
      disk: this.o.disk,
      iso: installer ? this.o.iso : undefined,
      sshPort: await freePort(),
      workDir: this.o.workDir,
      publicKey: this.o.key.publicKey,
      boot: index,
    });
    // The exact command line, for people reproducing a boot (its paths are this run's own).
    await this.o.artifacts.writeText(`qemu-${index}.sh`, `${shellLine([QEMU_BINARY, ...qemuArgs(spec)])}\n`);
    const machine = await Machine.start(spec, { redactor: this.o.redactor, signal: this.o.signal });
    this.#machine = machine;
    const serialLog = `serial-${index}.log`;
    const stream = this.o.artifacts.createWriteStream(serialLog);
    this.#logs.push(stream);
    machine.serial.setTranscript((t) => stream.write(t));
    const record = { index, label, serialLog, startMs: Date.now() - this.o.startedAt };
    this.boots.push(record);
    this.o.onBoot?.(record);
    return machine;
  }

  /** SSH to this boot, pinning the host key the console announced (never one it did not). */
  async connect(hostKeyLine: string): Promise<SshChannel> {
    this.#ssh?.close();
    const { plan } = this.o;
    this.#ssh = await SshChannel.connect({
      port: this.machine.spec.sshPort,
      privateKey: this.o.key.privateKey,
      hostKey: hostKeyBlob(hostKeyLine),
      connectTimeoutMs: plan.timeouts.sshConnectMs,
      commandTimeoutMs: plan.timeouts.commandMs,
      redactor: this.o.redactor,
      transcript: (t) => this.o.sshTranscript?.(t),
      signal: this.o.signal,
    });
    return this.#ssh;
  }

  #disconnect(): SshChannel | undefined {
    const ssh = this.#ssh;
    this.#ssh = undefined;
    ssh?.close();
    return ssh;
  }

  /**
   * Asks the system to go down with `command` and waits for QEMU to exit. The command's own
   * status is not the verdict: the connection drops as the system goes down, so it often fails.
   */
  async shutDownFromInside(command: string): Promise<void> {
    const ssh = this.#ssh;
    if (ssh) await ssh.run(command, { timeoutMs: 10_000, signal: this.o.signal }).catch(() => undefined);
    this.#disconnect();
    await this.machine.waitForShutdown(this.o.plan.timeouts.shutdownMs, { signal: this.o.signal });
  }

  /**
   * The installed system reboots itself (systemd's whole shutdown runs); QEMU exits at the reset
   * instead of resetting (-no-reboot), and the next `boot` is a cold start on the same disk and vars.
   */
  async reboot(): Promise<void> {
    await this.shutDownFromInside('systemctl reboot');
  }

  /** A clean power-off from inside, then QMP quit if the guest hangs. */
  async powerOff(command = 'systemctl poweroff'): Promise<void> {
    const ssh = this.#ssh;
    if (ssh) await ssh.run(command, { timeoutMs: 10_000, signal: this.o.signal }).catch(() => undefined);
    this.#disconnect();
    await this.machine.powerOff(this.o.plan.timeouts.shutdownMs, { signal: this.o.signal });
  }

  /** Pulls the plug: no shutdown, no sync (QMP quit). */
  async powerCut(): Promise<void> {
    this.#disconnect();
    await this.machine.powerCut({ signal: this.o.signal });
  }

  /** A PNG of the screen, when a machine is running; undefined otherwise. */
  async screenshot(name: string): Promise<string | undefined> {
    const m = this.#machine;
    if (!m?.running) return undefined;
    const path = this.o.artifacts.resolve(name);
    await m.screenshot(path, { signal: this.o.signal });
    await chmod(path, 0o600);
    return path;
  }

  /** The teardown: SSH closed, QEMU stopped, serial logs flushed. Safe to call twice. */
  async close(): Promise<void> {
    this.#disconnect();
    await this.#machine?.stop();
    const logs = this.#logs.splice(0);
    await Promise.all(logs.map((s) => new Promise<void>((r) => s.end(r))));
  }
}
