/**
 * Plans for the nixos tests, built in code (no YAML loader): the blog's XPS 13 setup with the
 * values of the post, and `planWith` to change what a test is about.
 */
import type { Plan } from '../../harness/scenario/plan.ts';
import { DEFAULT_PERSIST_COMMANDS } from '../../harness/scenario/defaults.ts';

/** The blog's setup: hostname apollo, user delta, five subvolumes, NetworkManager persisted. */
export function blogXps13Plan(): Plan {
  return {
    name: 'blog-xps13',
    description: "The blog's encrypted btrfs root with opt-in state",
    file: '/scenarios/blog-xps13.yaml',
    guests: ['nixos'],
    guest: 'nixos',
    hostname: 'apollo',
    disk: { sizeMiB: 20480, serial: 'DARLINGS0001', device: '/dev/nvme0n1' },
    partitions: { espMiB: 512, swapMiB: 1024, espLabel: 'boot' },
    luks: { passphrase: 'correct horse', wrongPassphrases: ['wrong'], pbkdf: 'pbkdf2', iterTimeMs: 100, mapping: 'enc' },
    btrfs: {
      subvolumes: [
        { name: 'root', mountPoint: '/', neededForBoot: true },
        { name: 'home', mountPoint: '/home', neededForBoot: false },
        { name: 'nix', mountPoint: '/nix', neededForBoot: true },
        { name: 'persist', mountPoint: '/persist', neededForBoot: true },
        { name: 'log', mountPoint: '/var/log', neededForBoot: true },
      ],
      blankSnapshot: 'root-blank',
      mountOptions: ['compress=zstd', 'noatime'],
    },
    user: { name: 'delta', password: 'hunter2', passwordVia: 'configuration' },
    rollback: { kind: 'builtin' },
    initrd: 'scripted',
    kernel: { name: 'latest' },
    persist: {
      etc: {
        nixos: '/persist/etc/nixos',
        'NetworkManager/system-connections': '/persist/etc/NetworkManager/system-connections',
        adjtime: '/persist/etc/adjtime',
        NIXOS: '/persist/etc/NIXOS',
        'machine-id': '/persist/etc/machine-id',
      },
      tmpfiles: [
        'L /var/lib/NetworkManager/secret_key - - - - /persist/var/lib/NetworkManager/secret_key',
        'L /var/lib/NetworkManager/seen-bssids - - - - /persist/var/lib/NetworkManager/seen-bssids',
        'L /var/lib/NetworkManager/timestamps - - - - /persist/var/lib/NetworkManager/timestamps',
      ],
      copy: ['/etc/nixos', '/etc/adjtime', '/etc/NIXOS', '/etc/machine-id'],
      commands: [...DEFAULT_PERSIST_COMMANDS],
    },
    nixosExtraConfig: '',
    serviceState: [],
    canaries: { extra: [] },
    fsDiff: { allow: [] },
    expectedFailures: [],
    expectations: [],
    expectedCommandFailures: [],
    deviations: [],
    skipChecks: [],
    kernelLog: { deny: [], allow: [] },
    timeouts: {
      bootMs: 300_000,
      passphrasePromptMs: 300_000,
      loginMs: 120_000,
      commandMs: 60_000,
      installMs: 3_600_000,
      sshConnectMs: 60_000,
      shutdownMs: 60_000,
    },
    vm: { memoryMiB: 2048, cpus: 2, bootMedium: 'usb' },
    profile: { name: 'qemu', smbios: {}, cannotEmulate: [] },
    offlineInstall: false,
    secrets: ['correct horse', 'wrong', 'hunter2'],
  };
}

/** The blog plan with some fields replaced. */
export function planWith(changes: Partial<Plan>): Plan {
  return { ...blogXps13Plan(), ...changes };
}
