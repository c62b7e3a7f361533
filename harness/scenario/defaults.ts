/**
 * Every default of a scenario, in one place (STYLE.md 2). The values suit a TCG host with two
 * cores: small disk, cheap LUKS key derivation, generous timeouts. The layout, names and opt-in
 * state are the blog's ("Encrypted Btrfs Root with Opt-in State on NixOS").
 */
import type { GuestName, PlanTimeouts } from './plan.ts';

export const MIB_PER_GIB = 1024;

export const DEFAULT_PROFILE = 'generic';
export const DEFAULT_HOSTNAME = 'apollo';

export const DEFAULT_DISK = {
  sizeMiB: 4 * MIB_PER_GIB,
  serial: 'DARLINGS0001',
  device: '/dev/nvme0n1',
} as const;

export const DEFAULT_PARTITIONS = {
  /** The blog's ESP size. */
  espMiB: 512,
  swapMiB: 256,
  espLabel: 'boot',
} as const;

/** What p3 must at least hold: LUKS2 header (16 MiB) plus a btrfs worth installing onto. */
export const MIN_BTRFS_MIB = MIB_PER_GIB;
/** GPT tables and 1 MiB alignment at the start and the end of the disk. */
export const PARTITION_TABLE_OVERHEAD_MIB = 2;

export const DEFAULT_LUKS = {
  /** Obviously fake: tests grep every output for it to prove redaction. */
  passphrase: 'correct horse battery staple',
  wrongPassphrases: [] as string[],
  /** Cheap for CI; real users set argon2id. */
  pbkdf: 'pbkdf2',
  iterTimeMs: 100,
  mapping: 'enc',
} as const;

export const DEFAULT_USER = {
  name: 'delta',
  password: 'darlings test password',
} as const;

/** The blog's "flat" layout; persist and log are mounted in stage 1 (neededForBoot). */
export const DEFAULT_SUBVOLUMES = [
  { name: 'root', mountPoint: '/', neededForBoot: false },
  { name: 'home', mountPoint: '/home', neededForBoot: false },
  { name: 'nix', mountPoint: '/nix', neededForBoot: false },
  { name: 'persist', mountPoint: '/persist', neededForBoot: true },
  { name: 'log', mountPoint: '/var/log', neededForBoot: true },
] as const;
export const DEFAULT_BLANK_SNAPSHOT = 'root-blank';
export const DEFAULT_MOUNT_OPTIONS = ['compress=zstd', 'noatime'] as const;

/** The blog's final `environment.etc`: /etc/<name> -> source. */
export const DEFAULT_PERSIST_ETC: Readonly<Record<string, string>> = {
  nixos: '/persist/etc/nixos',
  'NetworkManager/system-connections': '/persist/etc/NetworkManager/system-connections',
  adjtime: '/persist/etc/adjtime',
  NIXOS: '/persist/etc/NIXOS',
  'machine-id': '/persist/etc/machine-id',
};

/** The blog's final `systemd.tmpfiles.rules`. */
export const DEFAULT_PERSIST_TMPFILES: readonly string[] = [
  'L /var/lib/NetworkManager/secret_key - - - - /persist/var/lib/NetworkManager/secret_key',
  'L /var/lib/NetworkManager/seen-bssids - - - - /persist/var/lib/NetworkManager/seen-bssids',
  'L /var/lib/NetworkManager/timestamps - - - - /persist/var/lib/NetworkManager/timestamps',
];

/**
 * The blog's copies into /persist, typed after `nixos-rebuild boot` and before the reboot (as
 * root: the blog's `sudo` is left out; bash, for the brace expansion). Verbatim: the blog's
 * `cp {,/persist}/etc/nixos` has no `-r`; a scenario mends it with a declared deviation.
 */
export const DEFAULT_PERSIST_COMMANDS: readonly string[] = [
  'mkdir -p /persist/etc/NetworkManager',
  'cp -r {,/persist}/etc/NetworkManager/system-connections',
  'mkdir -p /persist/var/lib/NetworkManager',
  'cp /var/lib/NetworkManager/{secret_key,seen-bssids,timestamps} /persist/var/lib/NetworkManager/',
  'cp {,/persist}/etc/nixos',
  'cp {,/persist}/etc/adjtime',
  'cp {,/persist}/etc/NIXOS',
];

/** How the user's password survives the rollback unless the scenario says: a hash in the configuration. */
export const DEFAULT_PASSWORD_VIA = 'configuration';

/**
 * What the fs-diff may list after the rollback without the run failing `state.drift`: files every
 * boot writes anew onto the blank root (host keys, the random seed, NixOS's generated /etc).
 * A scenario's `fsDiff.allow` adds to these.
 */
export const DEFAULT_FS_DIFF_ALLOW: readonly string[] = [
  '^/etc/ssh/ssh_host_',
  '^/etc/(passwd|group|shadow|gshadow|subuid|subgid|sudoers)(-|$)',
  '^/etc/\\.(clean|updated)$',
  '^/etc/(resolv\\.conf|hostname|hosts|localtime|mtab)$',
  '^/etc/\\.pwd\\.lock$',
  '^/var/lib/systemd/',
  '^/var/lib/nixos/',
  '^/var/lib/NetworkManager/(NetworkManager\\.state|NetworkManager-intern\\.conf|internal-|dhclient|lease)',
  '^/var/cache/',
  '^/var/\\.updated$',
  '^/root/\\.(bash_history|nix-)',
  '^/tmp/',
  '^/run/',
];

export const DEFAULT_TIMEOUTS: Readonly<PlanTimeouts> = {
  bootMs: 180_000,
  passphrasePromptMs: 180_000,
  loginMs: 180_000,
  commandMs: 120_000,
  installMs: 900_000,
  sshConnectMs: 120_000,
  shutdownMs: 60_000,
};

export const DEFAULT_VM = {
  memoryMiB: MIB_PER_GIB,
  cpus: 2,
  bootMedium: 'usb',
} as const;

/**
 * Each guest's default memory and disk, and the memory a profile cannot take it below: the stand-in
 * runs in 1 GiB on a 4 GiB disk; nixos-install of the blog's system (all firmware, unfree, the
 * latest kernel) evaluates and copies its closure in 2 GiB of RAM, and its store, about 5 GiB
 * with enableAllFirmware, needs a disk well above that (the qcow2 file grows only as written).
 */
export const GUEST_VM_DEFAULTS: Readonly<Record<GuestName, { memoryMiB: number; minMemoryMiB: number; diskMiB: number }>> = {
  debian: { memoryMiB: MIB_PER_GIB, minMemoryMiB: 0, diskMiB: DEFAULT_DISK.sizeMiB },
  nixos: { memoryMiB: 2 * MIB_PER_GIB, minMemoryMiB: 2 * MIB_PER_GIB, diskMiB: 16 * MIB_PER_GIB },
};

/**
 * Kernels a guest can run, and what a guest-neutral name means for it: `default` is each guest's
 * stock kernel, `latest` its newest (the blog needs a new kernel for the XPS 13).
 */
export const KERNELS: Readonly<Record<GuestName, { names: readonly string[]; aliases: Readonly<Record<string, string>> }>> = {
  nixos: { names: ['default', 'latest'], aliases: {} },
  debian: { names: ['bookworm', 'backports'], aliases: { default: 'bookworm', latest: 'backports' } },
};
export const ALL_KERNEL_NAMES = ['default', 'latest', 'bookworm', 'backports'] as const;
export const DEFAULT_KERNELS = ['default'] as const;

export const DEFAULT_INITRD = 'scripted';
export const DEFAULT_ROLLBACK = 'builtin';

/** power-cut: how much unsynced data is being written when the plug is pulled, and when. */
export const POWER_CUT_WRITE_MIB = 64;
export const POWER_CUT_AFTER_MS = 1500;
