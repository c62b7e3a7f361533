/**
 * What a procedure step gets: the plan, the guest's driver, the channels to the booted machine,
 * a way to time nested steps, and the facts earlier steps recorded for later checks.
 * Data moves one way: steps return facts; checks read them.
 */
import type { Plan } from '../scenario/plan.ts';
import type { GuestDriver } from '../guests/guest.ts';
import type { GuestShell } from '../channels/shell.ts';
import type { SerialConsole } from '../channels/serial.ts';
import type { CommandOutcome } from './persist-commands.ts';

/** What was true before the last reboot, for the checks after it. */
export interface Facts {
  canaryToken?: string;
  /**
   * What each check's `before` recorded right before the reboot (check id -> its state), for its
   * judge after the reboot (harness/runner/run-checks.ts recordBefore).
   */
  before?: Record<string, unknown>;
  /** Paths written before the reboot and whether they should survive it. */
  canaries?: { path: string; expect: 'gone' | 'kept' }[];
  /** Files written into service state (the stand-in for docker/lxd). */
  serviceFiles?: string[];
  /** What the persist step did, for the report: the commands that succeeded (the plan's text). */
  persisted?: string[];
  /** Every persist command run on the first boot, with its exit status and stderr. */
  persistCommands?: CommandOutcome[];
  /** The console login as the user at each boot of the installed system (COMMON.md interface 3). */
  login?: { boot: number; ok: boolean; message: string }[];
  /** Power cut: what the writer had written when the plug was pulled, and what was synced before. */
  powerCut?: PowerCutFacts;
  /** Kernel logs of earlier boots of the installed system, for kernel.log-clean. */
  kernelLogs?: { boot: number; text: string; /** Where it came from, when not this run's boot. */ label?: string }[];
  /** Index of the boot the checks run in (matches serial-<n>.log). */
  currentBoot?: number;
  /** Each boot of the installed system: the console from the first passphrase prompt to login. */
  stage1?: {
    boot: number;
    initrd: 'scripted' | 'systemd';
    text: string;
    /**
     * Whether this boot's system had the opt-in configuration (with the rollback): false for the
     * first boot, since the blog adds it then (`nixos-rebuild boot`) for the next one.
     */
    optedIn?: boolean;
  }[];
  /** The kernel release the image's manifest says the target runs. */
  expectedKernel?: string;
}

/** Times a nested step ("waiting for the passphrase prompt … 31.2 s"). */
export type StepRunner = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

export interface StepContext {
  plan: Plan;
  driver: GuestDriver;
  shell: GuestShell;
  serial: SerialConsole;
  step: StepRunner;
  /** What earlier steps returned, to read: steps return their facts, the runner records them. */
  readonly facts: Readonly<Facts>;
  signal?: AbortSignal;
  log: (message: string) => void;
}

/** What the power-cut phase saw (power-cut.ts). */
export interface PowerCutFacts {
  /** Files synced before the writes began (path and sha256), which must survive the cut. */
  synced: { path: string; sha256: string }[];
  /** The writer's progress seen before the cut: bytes in each target at each look. */
  progress: { atMs: number; bytes: Record<string, number> }[];
  /** ms after the writer started when the plug was pulled. */
  cutAtMs: number;
  /** The writer was still running at the last look before the cut. */
  inFlight: boolean;
}
