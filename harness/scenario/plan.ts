/**
 * The Plan: a scenario after loading, validation and defaults. Everything downstream (images,
 * machine, procedure, checks, reporters) reads this type and never the YAML.
 */
export type GuestName = 'debian' | 'nixos';

/** Where a run can be kept and resumed: after the install, or after the first boot's state. */
export type CheckpointStage = 'installed' | 'first-boot';
export const CHECKPOINT_STAGES: readonly CheckpointStage[] = ['installed', 'first-boot'];
export const GUEST_NAMES: readonly GuestName[] = ['debian', 'nixos'];

/** A DESIGN.md check id, or a scenario's own (`kernel.*`, `hardware.*`, `power-cut.*`, …). */
export type CheckId = string;

export interface PlanDisk {
  /** Size of the NVMe disk in MiB. */
  sizeMiB: number;
  /** NVMe serial number the guest sees. */
  serial: string;
  /** Device name the procedure uses, e.g. `/dev/nvme0n1`. */
  device: string;
}

export interface PlanPartitions {
  espMiB: number;
  swapMiB: number;
  /** Label of the ESP (`mkfs.vfat -n`). */
  espLabel: string;
}

export interface PlanLuks {
  passphrase: string;
  /** Typed at the initrd prompt before the right one, each must be refused. */
  wrongPassphrases: string[];
  pbkdf: 'pbkdf2' | 'argon2id' | 'argon2i';
  /** `--iter-time` in ms; small values keep TCG runs fast. */
  iterTimeMs: number;
  /** Name of the mapping, `enc` in the blog. */
  mapping: string;
}

export interface PlanBtrfs {
  /** Subvolume name -> mount point, in mount order; `root` -> `/`. */
  subvolumes: { name: string; mountPoint: string; neededForBoot: boolean }[];
  blankSnapshot: string;
  mountOptions: string[];
}

export interface PlanUser {
  name: string;
  password: string;
  /**
   * How the password survives the rollback: `configuration` (a hash the configuration declares,
   * read at every activation) or `passwd` (the blog's `passwd delta` on the first boot, which
   * writes /etc/shadow on the root that the rollback erases).
   */
  passwordVia: 'configuration' | 'passwd';
}

/** A check the scenario expects to fail, and why; `gap` when the blog's recipe itself falls short. */
export interface PlanExpectation {
  id: CheckId;
  reason: string;
  gap: boolean;
}

/** A procedure command the scenario expects to exit non-zero (its text as in `persist.commands`). */
export interface PlanCommandExpectation {
  command: string;
  reason: string;
  gap: boolean;
}

/** A step of the blog the scenario mends: the blog's command, what runs instead, and why. */
export interface PlanDeviation {
  blog: string;
  instead: string;
  reason: string;
}

/** Where the rollback comes from: the blog's script, none (broken on purpose), or the user's. */
export type PlanRollback =
  | { kind: 'builtin' }
  | { kind: 'none' }
  | { kind: 'script'; path: string; source: string };

/** A scenario's own rollback unit keys (`rollback.unit`); unset keys take darlings' defaults. */
export interface PlanRollbackUnit {
  name?: string;
  after?: string[];
  before?: string[];
  requires?: string[];
  bindsTo?: string[];
  wantedBy?: string[];
  requiredBy?: string[];
}

export interface PlanPersist {
  /** `environment.etc.<name>.source`: /etc/<name> -> source. */
  etc: Record<string, string>;
  /** `systemd.tmpfiles.rules`, verbatim. */
  tmpfiles: string[];
  /** Paths under / that the opt-in configuration links into /persist (etc entries, L rules). */
  copy: string[];
  /**
   * The commands that copy state into /persist on the first boot, after the opt-in configuration
   * is applied and before the reboot: the blog's unless the scenario says, deviations applied.
   * Guest-neutral text (`/etc/nixos`); the procedure maps it to the guest (persist-commands.ts).
   */
  commands: string[];
}

export interface PlanCanaries {
  /** Extra files written before the last reboot; expected gone unless under an opted-in path. */
  extra: { path: string; expect: 'gone' | 'kept' }[];
}

export interface PlanTimeouts {
  bootMs: number;
  passphrasePromptMs: number;
  loginMs: number;
  commandMs: number;
  installMs: number;
  sshConnectMs: number;
  shutdownMs: number;
}

export interface PlanVm {
  memoryMiB: number;
  cpus: number;
  /** How the installer is attached: a USB stick (the blog's dd) or a CD-ROM. */
  bootMedium: 'usb' | 'cdrom';
}

export interface PlanProfile {
  name: string;
  smbios: { type0?: Record<string, string>; type1?: Record<string, string>; type2?: Record<string, string> };
  nvmeModel?: string;
  nvmeSerial?: string;
  memoryMiB?: number;
  cpus?: number;
  cannotEmulate: string[];
}

export interface PlanKernel {
  /** nixos: `default` | `latest`; debian: `bookworm` | `backports`. */
  name: string;
}

export interface Plan {
  /** Scenario name (file name without .yaml unless `name:` says otherwise). */
  name: string;
  description: string;
  /** Absolute path of the scenario file, for messages. */
  file: string;
  /** Guests this scenario runs on. */
  guests: GuestName[];
  /** The guest of this run (a scenario becomes one Plan per guest and kernel). */
  guest: GuestName;
  hostname: string;
  disk: PlanDisk;
  partitions: PlanPartitions;
  luks: PlanLuks;
  btrfs: PlanBtrfs;
  user: PlanUser;
  rollback: PlanRollback;
  /** systemd stage 1: the scenario's own ordering keys for the rollback unit, if it brings them. */
  rollbackUnit?: PlanRollbackUnit;
  /** Where the rollback lives in stage 1: a script hook, or a unit of systemd stage 1. */
  initrd: 'scripted' | 'systemd';
  kernel: PlanKernel;
  persist: PlanPersist;
  /** Extra NixOS config text, for nixos scenarios that add services (docker, lxd). */
  nixosExtraConfig: string;
  /** Debian stand-in: directories that stand in for services' state (e.g. /var/lib/docker). */
  serviceState: { path: string; files: string[]; unit?: string }[];
  canaries: PlanCanaries;
  /** fs-diff: the user's script instead of the built-in one, and what it may list. */
  fsDiff: { script?: { path: string; source: string }; allow: string[] };
  /** Checks that must fail for the run to pass (a deliberately broken rollback): the ids of `expectations`. */
  expectedFailures: CheckId[];
  /** The expected failures with their reasons; `gap: true` ones are known gaps of the recipe. */
  expectations: PlanExpectation[];
  /** Procedure commands expected to fail (the run goes on, and says so). */
  expectedCommandFailures: PlanCommandExpectation[];
  /** Steps of the blog this scenario mends, applied to `persist.commands`. */
  deviations: PlanDeviation[];
  /** Checks not run at all (reported as skipped, with the reason). */
  skipChecks: { id: CheckId; reason: string }[];
  /** Kernel log patterns that fail `kernel.log-clean`, and known-harmless ones. */
  kernelLog: { deny: string[]; allow: string[] };
  timeouts: PlanTimeouts;
  vm: PlanVm;
  profile: PlanProfile;
  /**
   * Start from a checkpoint of another scenario's run: `installed` (after the install, powered
   * off cleanly) or `first-boot` (after its first boot persisted state and wrote the canaries,
   * shut down by the reboot; the run boots once and checks).
   */
  from?: { scenario: string; checkpoint: CheckpointStage; /** The base scenario's plan for this guest and kernel (resolved at load). */ base: Plan };
  /**
   * Pull the plug mid-write after persisting (power-cut.yaml): synced data must survive, btrfs
   * must report no errors, and the rollback must still happen.
   */
  powerCut?: { writeMiB: number; afterMs: number };
  /** nixos: copy the closure from the host instead of the binary cache. */
  offlineInstall: boolean;
  /** nixos: the nixpkgs to build/evaluate with, if the scenario pins one. */
  nixpkgs?: string;
  /** nixos: the user's own configuration.nix or flake instead of the blog's configuration. */
  nixosOwn?: PlanNixosOwn;
  /**
   * nixos: the release (`YY.MM`) of the nixpkgs the plan was loaded for (`--nixpkgs` or the
   * scenario's pin), read from its version file; unset when not known at load time.
   */
  nixosRelease?: string;
  /** Every secret of the scenario, registered with the redactor at load time. */
  secrets: string[];
}

/**
 * The user's own NixOS system (`nixos.configuration` or `nixos.flake`): the folder it lives in,
 * read at load time (its `.nix` files and `flake.lock`), uploaded whole to /etc/nixos/user/ so
 * its relative imports work in the guest as they do in the user's repository.
 */
export interface PlanNixosOwn {
  kind: 'configuration' | 'flake';
  /** Absolute path of the folder (the configuration's folder, or the flake's). */
  dir: string;
  /** configuration: the file, relative to `dir`; flake: `flake.nix`. */
  entry: string;
  /** flake: the `nixosConfigurations` attribute. */
  name?: string;
  /** configuration: also import the harness's opt-in module (optin.nix). */
  optIn: boolean;
  /** Every file copied, by path relative to `dir`, sorted. */
  files: Record<string, string>;
}
