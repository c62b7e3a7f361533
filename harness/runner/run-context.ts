/**
 * What one run's phases share: the options, the output folder, the sequencer (for steps and
 * teardowns), the Guest once the machine's files exist, and the facts steps have returned.
 * Phases read it and the runner merges what steps return into `facts`; steps never see it.
 */
import type { Plan } from '../scenario/plan.ts';
import type { GuestDriver } from '../guests/guest.ts';
import type { Emit, RunInfo } from '../report/events.ts';
import type { CheckResult, RunResult } from '../report/results.ts';
import type { OutputDir } from '../report/output-dir.ts';
import type { Redactor } from '../util/redact.ts';
import type { Accel } from '../vm/accel.ts';
import type { OvmfPair } from '../vm/firmware.ts';
import type { Guest } from '../session/guest.ts';
import type { Facts, StepContext } from '../procedure/context.ts';
import { InfraError } from '../errors.ts';
import type { Sequencer } from './sequencer.ts';

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

/** The files of this run's machine, made once the image is known. */
export interface MachineFiles {
  workDir: string;
  iso: string;
  disk: string;
  vars: string;
  imageKey: string;
  /** The kernel release the image's manifest says the target runs, when it says. */
  kernelRelease?: string;
}

export class RunContext {
  readonly facts: Facts = {};
  files?: MachineFiles;
  guest?: Guest;
  /** The checks' outcomes, once the checks phase ran. */
  checks: CheckResult[] = [];
  /** What a `from:` run booted, for results.json. */
  checkpoint?: RunResult['checkpoint'];

  constructor(
    readonly o: RunOptions,
    readonly out: OutputDir,
    readonly seq: Sequencer,
  ) {}

  get plan(): Plan {
    return this.o.plan;
  }

  get runId(): string {
    return this.o.info.runId;
  }

  get machineFiles(): MachineFiles {
    if (!this.files) throw new InfraError('The machine files are not made yet (the image phase did not run)');
    return this.files;
  }

  get booted(): Guest {
    if (!this.guest) throw new InfraError('No guest is booted');
    return this.guest;
  }

  log(message: string, level: 'info' | 'warn' = 'info'): void {
    this.o.emit({ type: 'log', runId: this.runId, level, message, at: Date.now() });
  }

  /** What a procedure step gets: the channels of the booted guest, the plan, a step timer. */
  stepContext(): StepContext {
    const guest = this.booted;
    return {
      plan: this.plan,
      driver: this.o.driver,
      shell: guest.shell,
      serial: guest.serial,
      step: this.seq.step,
      facts: this.facts,
      signal: this.o.signal,
      log: (message) => this.log(message),
    };
  }

  /** Merges what a step returned into the run's facts (the one place facts are written). */
  record(facts: Partial<Facts>): void {
    Object.assign(this.facts, facts);
  }
}
