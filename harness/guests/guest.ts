/**
 * What differs between guests. The procedure (shared by both) calls these at the points where
 * NixOS and the Debian stand-in do different things: building the installer image, generating
 * and writing the configuration, installing, setting the user's password.
 */
import type { GuestName, Plan } from '../scenario/plan.ts';
import type { GuestShell } from '../channels/shell.ts';
import type { ProcedureCommand } from './procedure-command.ts';

// Drivers speak of the shell they are handed; its types live in channels/ (the lower layer).
export type { ExecOptions, ExecResult, GuestShell } from '../channels/shell.ts';

export interface GuestImage {
  /** The installer ISO, attached as a USB stick or CD-ROM. */
  iso: string;
  /** Cache key the image was built from (for checkpoints and reports). */
  key: string;
  /** Human-readable facts: kernel version, sizes. */
  facts: Record<string, string | number>;
}

export interface BuildImageOptions {
  signal?: AbortSignal;
  /** Progress lines from the build (nix's log, `==> step`). */
  onProgress?: (line: string) => void;
  /** nixos: nixpkgs path; debian: ignored. */
  nixpkgs?: string;
  /** The kernel of the run (nixos: default|latest, debian: bookworm|backports); part of the key. */
  kernel?: string;
  cacheDir: string;
}

export interface GuestDriver {
  readonly name: GuestName;
  /** Where the system's configuration lives on the target (`/etc/nixos`, `/etc/darlings`). */
  readonly configDir: string;
  /** Build or reuse the cached installer image. */
  buildImage(options: BuildImageOptions): Promise<GuestImage>;
  /**
   * The guest's steps as data (interface 4), what writeConfig, install and setPassword execute
   * and the runbook prints: `configure` (generate the hardware config, write the files),
   * `install`, `password`. Pure functions of the plan.
   */
  configureCommands(plan: Plan): ProcedureCommand[];
  /**
   * On the first boot: the opt-in configuration's commands (its files, then what makes them the
   * next boot's, as the blog's `nixos-rebuild boot`); applyOptIn runs them, the runbook prints them.
   */
  optInCommands(plan: Plan): ProcedureCommand[];
  installCommands(plan: Plan): ProcedureCommand[];
  passwordCommands(plan: Plan): ProcedureCommand[];
  /** Judges a command's output where the harness looks at it (nixos: the generated hardware config); throws CheckFailed. */
  inspect?(command: ProcedureCommand, stdout: string, plan: Plan): void;
  /** Host-side work right before the install commands (nixos offlineInstall: the host builds the closure). */
  prepareInstall?(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void>;
  /**
   * The configuration the harness writes for this plan (absolute paths on the target, e.g.
   * `/etc/nixos/configuration.nix`), beside what the guest's own generate-config writes. What the
   * install puts on the disk, so checkpoint keys hash it.
   */
  configFiles(plan: Plan): Record<string, string>;
  /** After the filesystems are mounted under /mnt: generate the hardware config, write the rest. */
  writeConfig(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void>;
  /** Install the system into /mnt (nixos-install or the stand-in). */
  install(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void>;
  /**
   * On the first boot, as root: add the opt-in state to the configuration (persisted /etc entries,
   * tmpfiles L rules, the rollback) and make it the next boot's, as the blog's `nixos-rebuild boot`.
   * The install (writeConfig) wrote the blog's minimal configuration without them.
   */
  applyOptIn(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void>;
  /** Set the user's password without a prompt; the password travels on stdin only. */
  setPassword(shell: GuestShell, plan: Plan, signal?: AbortSignal): Promise<void>;
  /** What the target's stage 1 prints when it asks for the passphrase and when it refuses one. */
  readonly passphrasePrompt: RegExp;
  readonly passphraseRefused: RegExp;
  /** The prompt and refusal of the plan's stage-1 form, where they differ by `plan.initrd`. */
  passphrasePatterns?(plan: Plan): { passphrasePrompt: RegExp; passphraseRefused: RegExp };
  /**
   * Map a persisted /etc entry of the scenario to this guest's name for it, or null when the
   * guest has no such file (the stand-in has no /etc/NIXOS).
   */
  etcEntry(name: string): string | null;
}
