import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// Loading a scenario must never start a VM or any process: every process-starting entry point is a
// spy, and each must stay untouched by all the failures below.
const spawned = vi.hoisted(() => ({ calls: [] as string[] }));
vi.mock('node:child_process', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:child_process')>();
  const trap = (name: string) => (...args: unknown[]) => {
    spawned.calls.push(`${name} ${String(args[0])}`);
    throw new Error(`${name} called while loading a scenario`);
  };
  return {
    ...original,
    spawn: trap('spawn'),
    spawnSync: trap('spawnSync'),
    exec: trap('exec'),
    execSync: trap('execSync'),
    execFile: trap('execFile'),
    execFileSync: trap('execFileSync'),
    fork: trap('fork'),
  };
});
vi.mock('execa', () => {
  const trap = (...args: unknown[]) => {
    spawned.calls.push(`execa ${String(args[0])}`);
    throw new Error('execa called while loading a scenario');
  };
  return { execa: trap, execaNode: trap, $: trap };
});

const { ScenarioError } = await import('../../harness/errors.ts');
const { expandPlans, loadScenario } = await import('../../harness/scenario/index.ts');

const DIR = join(import.meta.dirname, '../fixtures/bad-scenarios');

/** [fixture, line:column, a fragment of the one-sentence message] */
const CASES: [string, string, string][] = [
  ['malformed-yaml.yaml', '2:1', 'Invalid YAML: Flow sequence in block collection must be sufficiently indented'],
  ['duplicate-keys.yaml', '4:1', 'Invalid YAML: Map keys must be unique'],
  ['empty-file.yaml', '1:1', 'Expected the scenario to be a mapping, got nothing'],
  ['not-a-mapping.yaml', '1:1', 'Expected the scenario to be a mapping, got `["debian","nixos"]`'],
  ['unknown-top-level-key.yaml', '3:1', 'Unknown key `lukss` in the scenario; allowed: name, description, guests,'],
  ['unknown-nested-key.yaml', '4:3', 'Unknown key `iterTime` in luks; allowed: passphrase, wrongPassphrases, pbkdf, iterTimeMs, mapping'],
  ['rollback-unknown-key.yaml', '2:13', 'Unknown key `scrpt` in rollback; allowed: script, unit'],
  ['rollback-wrong-word.yaml', '2:11', 'Expected `rollback` to be builtin, none or a mapping `{ script: PATH, unit: { after: [...], ... } }`, got `blog`'],
  ['wrong-type-cpus.yaml', '4:9', 'Expected `vm.cpus` to be a positive integer, got `two`'],
  ['fractional-cpus.yaml', '2:13', 'Expected `vm.cpus` to be a positive integer, got `1.5`'],
  ['negative-timeout.yaml', '4:12', 'Expected `timeouts.loginMs` to be a positive integer, got `-1`'],
  ['wrong-type-guests.yaml', '1:9', 'Expected `guests` to be a list of guests (debian, nixos), got `debian`'],
  ['negative-size.yaml', '3:9', 'Expected `disk.size` to be a positive size in MiB, GiB or TiB, like `512MiB` or `4GiB`, got `-4GiB`'],
  ['bad-size-unit.yaml', '3:8', 'Expected `partitions.esp` to be a positive size in MiB, GiB or TiB'],
  ['zero-swap.yaml', '2:34', 'Expected `partitions.swap` to be a positive size'],
  ['partitions-larger-than-disk.yaml', '3:13', 'Partitions need 2.5 GiB (ESP 512 MiB, swap 1 GiB, at least 1 GiB for btrfs'],
  ['empty-passphrase.yaml', '3:15', 'Expected `luks.passphrase` to be a non-empty string, got ``'],
  ['empty-password.yaml', '4:3', 'Expected `user.password` to be a non-empty string, got nothing'],
  ['secret-wrong-type.yaml', '3:15', 'Expected `luks.passphrase` to be a non-empty string, got a secret (not shown)'],
  ['secret-in-wrong-place.yaml', '2:7', 'Expected `luks` to be a mapping, got a secret (not shown)'],
  ['rollback-unit-with-scripted-initrd.yaml', '5:5', 'Expected `initrd: systemd` with `rollback.unit`: a unit runs in systemd stage 1'],
  ['rollback-unit-bad-name.yaml', '6:28', 'Expected `rollback.unit.after[1]` to be a unit name like `systemd-cryptsetup@enc.service`'],
  ['wrong-passphrase-is-right-one.yaml', '4:35', 'Expected `luks.wrongPassphrases[1]` to differ from `luks.passphrase`'],
  ['missing-guests.yaml', '2:1', 'Expected `guests` to be a list of guests (debian, nixos), got nothing'],
  ['empty-guests.yaml', '1:9', 'Expected `guests` to be a non-empty list of guests (debian, nixos), got `[]`'],
  ['unknown-guest.yaml', '1:18', 'Expected `guests[1]` to be one of debian, nixos, got `windows`'],
  ['duplicate-guest.yaml', '1:25', 'Expected `guests` to list each guest once, got `debian` twice'],
  ['unknown-check-id.yaml', '6:13', 'Expected `expect.failures[1].id` to be a check id (rollback.blank-not-nested,'],
  ['expected-failure-without-reason.yaml', '5:7', 'Expected `expect.failures[0]` to be a mapping `{ id, reason }` (an expected failure says why it fails), got `state.drift`'],
  ['deviation-of-no-command.yaml', '3:11', 'Expected `deviations[0].blog` to be one of the persist commands, got `cp {,/persist}/etc/nixoss`'],
  ['skip-without-reason.yaml', '3:5', 'Expected `skip[0].reason` to be a non-empty string, got nothing'],
  ['rollback-script-missing.yaml', '3:11', 'Expected `rollback.script` to name a readable file relative to the scenario, got `./no-such-rollback.sh`'],
  ['fs-diff-script-missing.yaml', '4:11', 'Expected `fsDiff.script` to name a readable file relative to the scenario, got `./no-such-fs-diff.sh`'],
  ['bad-regex-in-allow.yaml', '5:7', 'Expected `fsDiff.allow[1]` to be a valid regular expression, got `^/etc/(docker`'],
  ['bad-tmpfiles-rule.yaml', '4:7', 'Expected `extraPersist.tmpfiles[0]` to be a tmpfiles.d rule like'],
  ['bad-from.yaml', '2:7', 'Expected `from` to be `<scenario>@installed` or `<scenario>@first-boot`, got `blog-xps13@booted`'],
  ['from-missing-base.yaml', '2:7', 'Expected `from` to name a scenario beside this one or shipped with darlings, got `no-such-scenario@installed` (no no-such-scenario.yaml)'],
  ['from-chain.yaml', '2:7', 'itself starts from blog-xps13@installed (chains are not supported)'],
  ['from-first-boot-of-power-cut.yaml', '2:7', 'power-cut cuts the power instead, so it has no first-boot checkpoint'],
  ['canaries-after-first-boot.yaml', '4:3', 'Expected no `canaries` with `from: blog-xps13@first-boot`: canaries are written in the first boot'],
  ['power-cut-after-first-boot.yaml', '3:11', 'Expected no `powerCut` with `from: blog-xps13@first-boot`'],
  ['unknown-profile.yaml', '2:10', 'Unknown profile `thinkpad-x1`; available: generic, xps13-7390'],
  ['nixos-settings-on-debian.yaml', '3:3', 'Expected no `nixos` settings: they apply to the nixos guest only'],
  ['own-configuration-on-debian.yaml', '4:18', 'Expected `guests` to be `[nixos]` with `nixos.configuration`: the debian stand-in cannot run a NixOS configuration of your own'],
  ['wrong-pbkdf.yaml', '2:58', 'Expected `luks.pbkdf` to be one of pbkdf2, argon2id, argon2i, got `scrypt`'],
  ['kernel-of-other-guest.yaml', '2:20', 'Expected `kernels[1]` to be a kernel of nixos (default, latest), got `bookworm`'],
  ['kernel-and-kernels.yaml', '3:9', 'Expected either `kernel` or `kernels`, got both'],
];

async function failure(file: string): Promise<InstanceType<typeof ScenarioError>> {
  try {
    expandPlans(await loadScenario(join(DIR, file)));
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error(`${file} loaded without an error`);
}

describe('a bad scenario fails with one ScenarioError at file:line:column', () => {
  it('has a case for every fixture and at least 22 of them', () => {
    const fixtures = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
    expect(CASES.map(([file]) => file).sort()).toEqual(fixtures);
    expect(fixtures.length).toBeGreaterThanOrEqual(22);
  });

  it.each(CASES)('%s at %s', async (file, position, fragment) => {
    const error = await failure(file);
    const [line, column] = position.split(':').map(Number);
    expect(error.file).toBe(join(DIR, file));
    expect([error.line, error.column]).toEqual([line, column]);
    expect(error.message.startsWith(`${join(DIR, file)}:${position}: `)).toBe(true);
    expect(error.message).toContain(fragment);
    // One sentence on one line.
    expect(error.message).not.toContain('\n');
  });

  it('never shows a secret in a message', async () => {
    for (const [file] of CASES) {
      const text = readFileSync(join(DIR, file), 'utf8');
      const message = (await failure(file)).message;
      for (const secret of ['correct horse battery staple', 'Tr0ub4dor&3']) {
        if (text.includes(secret)) expect(message).not.toContain(secret);
      }
    }
  });

  it('starts no process while loading', async () => {
    for (const [file] of CASES) await failure(file);
    expect(spawned.calls).toEqual([]);
  });

  it('imports nothing that starts processes or opens sockets', () => {
    const room = join(import.meta.dirname, '../../harness/scenario');
    for (const file of readdirSync(room).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(room, file), 'utf8');
      expect(source, file).not.toMatch(/from ['"](node:)?(child_process|net|dgram|tls|http|https)['"]|from ['"](execa|ssh2)['"]/);
    }
  });
});
