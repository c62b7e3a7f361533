import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScenarioError } from '../../harness/errors.ts';
import { defaults as D, expandPlans, loadProfile, loadScenario, persistFor } from '../../harness/scenario/index.ts';

let dir: string;
let profilesDir: string;

/** Writes a scenario into the temp folder and loads it. */
async function scenario(name: string, yaml: string, options: { profile?: string; shippedProfiles?: boolean } = {}) {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, yaml);
  return loadScenario(file, { ...(options.shippedProfiles ? {} : { profilesDir }), ...(options.profile && { profile: options.profile }) });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'darlings-scenario-'));
  profilesDir = join(dir, 'profiles');
  await mkdir(profilesDir);
  await writeFile(join(profilesDir, 'generic.yaml'), 'description: plain\n');
  await writeFile(
    join(profilesDir, 'laptop.yaml'),
    'smbios:\n  type1: { manufacturer: ACME, product: Laptop 1 }\nnvme: { model: ACME SSD, serial: ACME0001 }\nvm: { memory: 768MiB, cpus: 1 }\ncannotEmulate: [wifi]\n',
  );
  await writeFile(join(profilesDir, 'broken.yaml'), 'smbios:\n  type1:\n    manufacturer: ACME\n    prodcut: Laptop\n');
  await writeFile(join(profilesDir, 'numeric.yaml'), 'smbios:\n  type0: { version: 1.8 }\n');
  await writeFile(join(dir, 'my-rollback.sh'), '#!/bin/sh\necho mine\n');
});

describe('defaults', () => {
  it('fill every field of a minimal scenario with the blog layout, scaled for TCG', async () => {
    const [plan] = expandPlans(await scenario('minimal', 'guests: [debian]\n'));
    expect(plan).toBeDefined();
    if (!plan) return;
    expect(plan.name).toBe('minimal');
    expect(plan.description).toBe('');
    expect(plan.hostname).toBe('apollo');
    expect(plan.disk).toEqual({ sizeMiB: 4096, serial: 'DARLINGS0001', device: '/dev/nvme0n1' });
    expect(plan.partitions).toEqual({ espMiB: 512, swapMiB: 256, espLabel: 'boot' });
    expect(plan.luks).toEqual({ passphrase: 'correct horse battery staple', wrongPassphrases: [], pbkdf: 'pbkdf2', iterTimeMs: 100, mapping: 'enc' });
    expect(plan.user.name).toBe('delta');
    expect(plan.btrfs.subvolumes.map((s) => `${s.name}:${s.mountPoint}:${s.neededForBoot}`)).toEqual([
      'root:/:false',
      'home:/home:false',
      'nix:/nix:false',
      'persist:/persist:true',
      'log:/var/log:true',
    ]);
    expect(plan.btrfs.blankSnapshot).toBe('root-blank');
    expect(plan.btrfs.mountOptions).toEqual(['compress=zstd', 'noatime']);
    expect(plan.rollback).toEqual({ kind: 'builtin' });
    expect(plan.initrd).toBe('scripted');
    expect(plan.kernel).toEqual({ name: 'bookworm' });
    expect(plan.timeouts).toEqual({
      bootMs: 180_000,
      passphrasePromptMs: 180_000,
      loginMs: 180_000,
      commandMs: 120_000,
      installMs: 900_000,
      sshConnectMs: 120_000,
      shutdownMs: 60_000,
    });
    expect(plan.vm).toEqual({ memoryMiB: 1024, cpus: 2, bootMedium: 'usb' });
    expect(plan.profile.name).toBe('generic');
    expect(plan.persist.etc).toEqual(D.DEFAULT_PERSIST_ETC);
    expect(plan.persist.tmpfiles).toEqual(D.DEFAULT_PERSIST_TMPFILES);
    expect(plan.fsDiff.allow).toEqual(D.DEFAULT_FS_DIFF_ALLOW);
    expect(plan.expectedFailures).toEqual([]);
    expect(plan.offlineInstall).toBe(false);
    expect(plan.from).toBeUndefined();
    expect(plan.secrets.sort()).toEqual(['correct horse battery staple', 'darlings test password']);
  });

  it('take the profile memory, cpus and NVMe serial unless the scenario sets them', async () => {
    const [fromProfile] = expandPlans(await scenario('laptop', 'guests: [debian]\nprofile: laptop\n'));
    expect(fromProfile?.vm).toMatchObject({ memoryMiB: 768, cpus: 1 });
    expect(fromProfile?.disk.serial).toBe('ACME0001');
    const [own] = expandPlans(
      await scenario('laptop-own', 'guests: [debian]\nprofile: laptop\nvm: { memory: 2GiB, cpus: 4 }\ndisk: { serial: MINE01 }\n'),
    );
    expect(own?.vm).toMatchObject({ memoryMiB: 2048, cpus: 4 });
    expect(own?.disk.serial).toBe('MINE01');
  });

  it('keep the scenario name from `name:` and secrets from every secret key', async () => {
    const [plan] = expandPlans(
      await scenario(
        'named',
        'name: other-name\nguests: [nixos]\nluks: { passphrase: hunter2 hunter2, wrongPassphrases: [nope nope] }\nuser: { password: pw pw pw }\n',
      ),
    );
    expect(plan?.name).toBe('other-name');
    expect(plan?.secrets).toEqual(['hunter2 hunter2', 'nope nope', 'pw pw pw']);
  });
});

describe('persist.copy is derived', () => {
  it('from the blog defaults: each /etc counterpart, then each L rule path', () => {
    expect(persistFor({}).copy).toEqual([
      '/etc/nixos',
      '/etc/NetworkManager/system-connections',
      '/etc/adjtime',
      '/etc/NIXOS',
      '/etc/machine-id',
      '/var/lib/NetworkManager/secret_key',
      '/var/lib/NetworkManager/seen-bssids',
      '/var/lib/NetworkManager/timestamps',
    ]);
  });

  it('extraPersist adds to the defaults, persist replaces them key by key, non-L rules copy nothing', () => {
    const extra = persistFor({ extraPersist: { tmpfiles: ['L /var/lib/docker - - - - /persist/var/lib/docker'] } });
    expect(extra.copy.slice(-1)).toEqual(['/var/lib/docker']);
    expect(extra.etc).toEqual(D.DEFAULT_PERSIST_ETC);
    const replaced = persistFor({
      persist: { etc: { 'ssh/ssh_host_ed25519_key': '/persist/etc/ssh/ssh_host_ed25519_key' }, tmpfiles: ['d /persist/tmp 0755 root root -'] },
    });
    expect(replaced.copy).toEqual(['/etc/ssh/ssh_host_ed25519_key']);
    const onlyEtc = persistFor({ persist: { etc: { adjtime: '/persist/etc/adjtime' } } });
    expect(onlyEtc.tmpfiles).toEqual(D.DEFAULT_PERSIST_TMPFILES);
  });
});

describe('expandPlans', () => {
  it('makes one plan per guest and kernel, with guest-neutral kernel names resolved', async () => {
    const s = await scenario('matrix', 'guests: [debian, nixos]\nkernels: [default, latest]\n');
    expect(expandPlans(s).map((p) => `${p.guest}/${p.kernel.name}`)).toEqual([
      'debian/bookworm',
      'debian/backports',
      'nixos/default',
      'nixos/latest',
    ]);
  });

  it('skips kernels a guest does not have when another guest has them', async () => {
    const s = await scenario('mixed-kernels', 'guests: [debian, nixos]\nkernels: [default, backports]\n');
    expect(expandPlans(s).map((p) => `${p.guest}/${p.kernel.name}`)).toEqual(['debian/bookworm', 'debian/backports', 'nixos/default']);
  });

  it('filters by --guest and names the allowed guests for one the scenario lacks', async () => {
    const s = await scenario('only-debian', 'description: x\nguests: [debian]\n');
    expect(expandPlans(s, { guest: 'debian' })).toHaveLength(1);
    const error = (() => {
      try {
        expandPlans(s, { guest: 'nixos' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toBe(`${join(dir, 'only-debian.yaml')}:2:9: Guest \`nixos\` is not one this scenario runs on; allowed: debian`);
  });

  it('applies --kernel, --profile and a timeout scale', async () => {
    const s = await scenario('override', 'guests: [nixos]\ntimeouts: { bootMs: 1000 }\n', { profile: 'laptop' });
    const [plan] = expandPlans(s, { kernel: 'latest', profile: 'laptop', timeoutScale: 2.5 });
    expect(plan?.kernel.name).toBe('latest');
    expect(plan?.profile.name).toBe('laptop');
    expect(plan?.timeouts.bootMs).toBe(2500);
    expect(plan?.timeouts.installMs).toBe(2_250_000);
    expect(() => expandPlans(s, { kernel: 'bookworm' })).toThrow(/Kernel `bookworm` is not one these guests have; allowed: nixos \(default, latest\)/);
    expect(() => expandPlans(s, { profile: 'generic-2' })).toThrow(/Profile `generic-2` was not loaded/);
    expect(() => expandPlans(s, { timeoutScale: 0 })).toThrow(/Expected `timeoutScale` to be a positive number, got `0`/);
  });

  it('reads a rollback script relative to the scenario file, and nixos-only settings', async () => {
    const s = await scenario(
      'own-rollback',
      'guests: [nixos]\nrollback: { script: ./my-rollback.sh }\ninitrd: systemd\nnixos: { nixpkgs: ./nixpkgs, offlineInstall: true }\n',
    );
    const [plan] = expandPlans(s);
    expect(plan?.rollback).toEqual({ kind: 'script', path: join(dir, 'my-rollback.sh'), source: '#!/bin/sh\necho mine\n' });
    expect(plan?.initrd).toBe('systemd');
    expect(plan?.nixpkgs).toBe(join(dir, 'nixpkgs'));
    expect(plan?.offlineInstall).toBe(true);
  });

  it('resolves from: at load and boots with the base install (its rollback and initrd)', async () => {
    const s = await scenario('resumed', 'guests: [nixos]\nfrom: blog-xps13@installed\nluks: { wrongPassphrases: [nope] }\n');
    const [plan] = expandPlans(s);
    expect(plan?.from).toMatchObject({ scenario: 'blog-xps13', checkpoint: 'installed' });
    expect(plan?.from?.base.name).toBe('blog-xps13');
    expect(plan?.rollback).toEqual(plan?.from?.base.rollback);
    expect(plan?.initrd).toBe(plan?.from?.base.initrd);
    expect(plan?.luks.wrongPassphrases).toEqual(['nope']);
    expect(plan?.secrets).toEqual(expect.arrayContaining(plan!.from!.base.secrets));
  });

  it('maps every optional section onto the Plan', async () => {
    await writeFile(join(dir, 'my-fs-diff.sh'), '#!/bin/sh\n');
    const s = await scenario(
      'everything',
      [
        'guests: [debian]',
        'fsDiff: { script: ./my-fs-diff.sh, allow: ["^/etc/docker/key\\\\.json$"] }',
        'kernelLog: { deny: ["BUG:"], allow: ["nvme.*APST"] }',
        'canaries: [{ path: /root/c1 }, { path: /persist/c2, expect: kept }]',
        'serviceState: [{ path: /var/lib/docker, files: [image.db] }, { path: /var/lib/lxd }]',
        'expect: { failures: [{ id: power-cut.fs-intact, reason: the cut tears a file, gap: true }], commands: [{ command: "cp {,/persist}/etc/NIXOS", reason: no marker }] }',
        'deviations: [{ blog: "cp {,/persist}/etc/nixos", instead: "cp -r {,/persist}/etc/nixos", reason: a folder needs -r }]',
        'skip: [{ check: swap.active, reason: no swap under test }]',
        'vm: { bootMedium: cdrom }',
        'luks: { pbkdf: argon2id, iterTimeMs: 2000, mapping: cryptroot }',
        'partitions: { espLabel: ESP }',
      ].join('\n'),
    );
    const [plan] = expandPlans(s);
    expect(plan?.fsDiff.script).toEqual({ path: join(dir, 'my-fs-diff.sh'), source: '#!/bin/sh\n' });
    expect(plan?.fsDiff.allow.at(-1)).toBe('^/etc/docker/key\\.json$');
    expect(plan?.kernelLog).toEqual({ deny: ['BUG:'], allow: ['nvme.*APST'] });
    expect(plan?.canaries.extra).toEqual([
      { path: '/root/c1', expect: 'gone' },
      { path: '/persist/c2', expect: 'kept' },
    ]);
    expect(plan?.serviceState).toEqual([
      { path: '/var/lib/docker', files: ['image.db'] },
      { path: '/var/lib/lxd', files: [] },
    ]);
    expect(plan?.expectedFailures).toEqual(['power-cut.fs-intact']);
    expect(plan?.expectations).toEqual([{ id: 'power-cut.fs-intact', reason: 'the cut tears a file', gap: true }]);
    expect(plan?.expectedCommandFailures).toEqual([{ command: 'cp {,/persist}/etc/NIXOS', reason: 'no marker', gap: false }]);
    expect(plan?.deviations).toEqual([{ blog: 'cp {,/persist}/etc/nixos', instead: 'cp -r {,/persist}/etc/nixos', reason: 'a folder needs -r' }]);
    expect(plan?.persist.commands).toContain('cp -r {,/persist}/etc/nixos');
    expect(plan?.persist.commands).not.toContain('cp {,/persist}/etc/nixos');
    expect(plan?.skipChecks).toEqual([{ id: 'swap.active', reason: 'no swap under test' }]);
    expect(plan?.vm.bootMedium).toBe('cdrom');
    expect(plan?.luks).toMatchObject({ pbkdf: 'argon2id', iterTimeMs: 2000, mapping: 'cryptroot' });
    expect(plan?.partitions.espLabel).toBe('ESP');
  });

  it('gives both guests of a two-guest scenario its initrd: systemd stage 1 runs on both', async () => {
    const s = await scenario('two-initrd', 'guests: [debian, nixos]\ninitrd: systemd\n');
    expect(expandPlans(s).map((p) => `${p.guest}:${p.initrd}`)).toEqual(['debian:systemd', 'nixos:systemd']);
  });

  it('gives each guest its own memory and disk floor: nixos 2 GiB and room for its store', async () => {
    const s = await scenario('sizes', 'guests: [debian, nixos]\n');
    expect(expandPlans(s).map((p) => [p.guest, p.vm.memoryMiB, p.disk.sizeMiB])).toEqual([
      ['debian', 1024, 4096],
      ['nixos', 2048, 16384],
    ]);
    const own = await scenario('own-sizes', 'guests: [nixos]\nvm: { memory: 1GiB }\ndisk: { size: 8GiB }\n');
    expect(expandPlans(own).map((p) => [p.vm.memoryMiB, p.disk.sizeMiB])).toEqual([[1024, 8192]]);
  });

  it('the debian stand-in keeps the scripted stage 1 unless the scenario asks for systemd', async () => {
    const s = await scenario('debian-default', 'guests: [debian]\n');
    expect(expandPlans(s).map((p) => p.initrd)).toEqual(['scripted']);
  });
});

describe('profiles', () => {
  it('reject unknown keys at their position', async () => {
    await expect(loadProfile('broken', { dir: profilesDir })).rejects.toThrow(
      `${join(profilesDir, 'broken.yaml')}:4:5: Unknown key \`prodcut\` in smbios.type1; allowed: manufacturer, product, version, serial, uuid, sku, family`,
    );
  });

  it('ask for numbers to be quoted', async () => {
    await expect(loadProfile('numeric', { dir: profilesDir })).rejects.toThrow(
      /numeric\.yaml:2:21: Expected `smbios\.type0\.version` to be a single-line string \(quote numbers\), got `1\.8`/,
    );
  });

  it('name the available ones for an unknown --profile, without a position', async () => {
    await expect(loadProfile('nope', { dir: profilesDir })).rejects.toThrow(/^Unknown profile `nope`; available: broken, generic, laptop, numeric/);
  });
});
