/**
 * One QEMU process and its channels. Power verbs go through QMP. QEMU is started under
 * `setpriv --pdeathsig KILL`, so it dies with the harness whenever the harness dies, SIGKILL
 * included; an orderly stop is `stop()` in the run's teardowns.
 */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { execa, type ResultPromise } from 'execa';
import { GuestCrashed, InfraError, TimeoutError } from '../errors.ts';
import { pollUntil } from '../util/poll.ts';
import type { Redactor } from '../util/redact.ts';
import { SerialConsole } from '../channels/serial.ts';
import { QmpClient } from './qmp.ts';
import { qemuArgs, type MachineSpec } from './qemu-args.ts';
import { shellLine } from '../util/shell.ts';

export const QEMU_BINARY = 'qemu-system-x86_64';

export interface StartOptions {
  redactor: Redactor;
  signal?: AbortSignal;
  /** How long QEMU may take to open its sockets. */
  startTimeoutMs?: number;
  /** Wrap in setpriv so QEMU dies with us; off only for the raw-QEMU benchmark's baseline. */
  pdeathsig?: boolean;
}

export interface ExitInfo {
  exitCode?: number;
  signal?: string;
  stderr: string;
}

export class Machine {
  readonly startedAt = Date.now();
  #exit?: ExitInfo;
  readonly exited: Promise<ExitInfo>;

  private constructor(
    readonly spec: MachineSpec,
    readonly argv: string[],
    private readonly process: ResultPromise,
    readonly serial: SerialConsole,
    readonly qmp: QmpClient,
    exited: Promise<ExitInfo>,
  ) {
    this.exited = exited.then((e) => (this.#exit = e));
  }

  /** The pid of QEMU itself (setpriv execs it, so the same pid). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /**
   * Starts QEMU and connects the serial console and QMP. The VM does not run until the serial
   * socket is connected, so the console sees the firmware's first byte.
   *
   * @example
   * const m = await Machine.start(spec, { redactor });
   * await m.serial.waitFor(/darlings-ready/, { timeoutMs: 60_000 });
   * await m.powerOff();
   */
  static async start(spec: MachineSpec, options: StartOptions): Promise<Machine> {
    const args = qemuArgs(spec);
    const argv = options.pdeathsig === false ? [QEMU_BINARY, ...args] : ['setpriv', '--pdeathsig', 'KILL', '--', QEMU_BINARY, ...args];
    const child = execa(argv[0]!, argv.slice(1), {
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'pipe',
      reject: false,
      // Not execa's cleanup: its signal-exit hook counts its own children against the process's
      // SIGINT/SIGTERM listeners and, when they happen to match, re-raises the signal and kills
      // the harness before it can write results (seen in CI). QEMU dies with us anyway
      // (pdeathsig), and every run's teardown stops it.
      cleanup: false,
      forceKillAfterDelay: 2000,
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited: Promise<ExitInfo> = child.then((r) => ({
      exitCode: r.exitCode,
      signal: r.signal,
      stderr: stderr.trim(),
    }));
    let gone: ExitInfo | undefined;
    void exited.then((e) => (gone = e));

    const sockets: Socket[] = [];
    try {
      const serialSocket = await pollUntil(
        async () => {
          if (gone) throw new InfraError(`QEMU exited at start (${gone.exitCode ?? gone.signal}): ${gone.stderr}\n  command: ${shellLine(argv)}`);
          return tryConnect(spec.serialSocket);
        },
        { timeoutMs: options.startTimeoutMs ?? 15_000, intervalMs: 50, what: `QEMU's serial socket ${spec.serialSocket}`, signal: options.signal, lastSeen: () => stderr },
      ).catch((e: unknown) => {
        if (gone) throw new InfraError(`QEMU exited at start (${gone.exitCode ?? gone.signal}): ${gone.stderr}\n  command: ${shellLine(argv)}`, { cause: e });
        throw e;
      });
      sockets.push(serialSocket);
      const serial = new SerialConsole(serialSocket, options.redactor);
      const qmp = await pollUntil(() => QmpClient.connect(spec.qmpSocket).catch(() => undefined), {
        timeoutMs: options.startTimeoutMs ?? 15_000,
        intervalMs: 50,
        what: `QEMU's QMP socket ${spec.qmpSocket}`,
        signal: options.signal,
        lastSeen: () => stderr,
      });
      return new Machine(spec, argv, child, serial, qmp, exited);
    } catch (error) {
      for (const s of sockets) s.destroy();
      child.kill('SIGKILL');
      await exited;
      throw error;
    }
  }

  /** ACPI power button, then wait; QMP `quit` if the guest ignores it. */
  async powerOff(timeoutMs = 60_000, options: VerbOptions = {}): Promise<void> {
    if (!this.running) return;
    await this.qmp.execute('system_powerdown', undefined, options).catch((e: unknown) => rethrowAbort(e, options.signal));
    if (await this.#waitExit(timeoutMs, options.signal)) return;
    await this.stop();
  }

  /** Waits for the guest to power itself off (e.g. after `poweroff`). */
  async waitForShutdown(timeoutMs: number, options: VerbOptions = {}): Promise<void> {
    await pollUntil(() => !this.running, {
      timeoutMs,
      intervalMs: 100,
      signal: options.signal,
      what: 'the guest to power off',
      lastSeen: () => this.serial.tail(),
    });
  }

  /** The reset button: the guest reboots without shutting down. */
  async reset(options: VerbOptions = {}): Promise<void> {
    await this.qmp.execute('system_reset', undefined, options);
  }

  /**
   * Pulls the plug: QEMU quits at once, nothing the guest has not written reaches the disk.
   * Afterwards the machine is gone; boot again with a new Machine on the same disk.
   */
  async powerCut(options: VerbOptions = {}): Promise<void> {
    if (!this.running) return;
    await this.qmp.execute('quit', undefined, options).catch((e: unknown) => rethrowAbort(e, options.signal));
    if (!(await this.#waitExit(5000, options.signal))) this.process.kill('SIGKILL');
    await this.exited;
  }

  /** A PNG of the VGA screen (QEMU ≥ 7.1 writes PNG itself). */
  async screenshot(path: string, options: VerbOptions = {}): Promise<void> {
    await this.qmp.execute('screendump', { filename: path, format: 'png' }, options);
  }

  /**
   * Stops QEMU whatever state it is in: QMP quit, then SIGKILL. Safe to call twice. A teardown:
   * it takes no signal, since it must run after an abort too, and is bounded by its own limits.
   */
  async stop(): Promise<void> {
    if (this.running) {
      if (!this.qmp.closed) await this.qmp.execute('quit', undefined, { timeoutMs: 2000 }).catch(() => undefined);
      if (!(await this.#waitExit(3000))) this.process.kill('SIGKILL');
      await this.exited;
    }
    this.qmp.close();
    this.serial.close();
  }

  /** Whether QEMU exited within `timeoutMs` (false on timeout; an abort throws). */
  async #waitExit(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return pollUntil(() => !this.running, { timeoutMs, intervalMs: 50, signal, what: 'QEMU to exit' }).then(
      () => true,
      (e: unknown) => {
        if (e instanceof TimeoutError) return false;
        throw e;
      },
    );
  }

  /** Throws GuestCrashed if QEMU already exited (used between steps). */
  assertRunning(): void {
    if (!this.running) throw new GuestCrashed('qemu-exited', `QEMU exited (${this.#exit?.exitCode ?? this.#exit?.signal}): ${this.#exit?.stderr ?? ''}`);
  }
}

/** What every Machine verb takes: a signal that stops the wait (not QEMU) when the run is aborted. */
export interface VerbOptions {
  signal?: AbortSignal;
}

/** A verb's QMP call may fail when QEMU is already going; only an abort is worth passing on. */
function rethrowAbort(error: unknown, signal?: AbortSignal): void {
  if (signal?.aborted) throw error;
}

async function tryConnect(path: string): Promise<Socket | undefined> {
  const socket = connect(path);
  try {
    await once(socket, 'connect');
    return socket;
  } catch {
    socket.destroy();
    return undefined;
  }
}
