/**
 * The user's own NixOS system under test (issue 15): `nixos.configuration` and `nixos.flake`
 * found relative to the scenario, what the harness generates around them (parsed by
 * `nix-instantiate --parse`), the refusals at file:line:column, and real evaluations against a
 * nixos-24.05 tree (DARLINGS_NIXPKGS; skipped, saying so, without one).
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, ScenarioError } from '../../harness/errors.ts';
import { expandPlans, loadScenario } from '../../harness/scenario/index.ts';
import type { Plan } from '../../harness/scenario/plan.ts';
import { evalScenario, nixosConfigFiles, NixEvalFailed } from '../../harness/guests/nixos/index.ts';
import { hasNixInstantiate, nixParseError } from './nix-parse.ts';

const OWN = join(import.meta.dirname, 'own');
const nixpkgs = process.env.DARLINGS_NIXPKGS;
const EVAL_TIMEOUT_MS = 5 * 60_000;

async function planOf(file: string): Promise<Plan> {
  const [plan] = expandPlans(await loadScenario(file), { guest: 'nixos' });
  return plan!;
}

/** A scenario written into a temporary folder with the files it names; the folder is returned. */
async function scenarioIn(yaml: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'darlings-own-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  await writeFile(join(dir, 'scenario.yaml'), yaml);
  return dir;
}

async function loadError(dir: string): Promise<ScenarioError> {
  const error = await loadScenario(join(dir, 'scenario.yaml')).catch((e: unknown) => e);
  await rm(dir, { recursive: true, force: true });
  expect(error).toBeInstanceOf(ScenarioError);
  expect(exitCodeFor(error)).toBe(2);
  return error as ScenarioError;
}

describe('nixos.configuration: the user\'s own configuration.nix', () => {
  it('is read from beside the scenario with the files it imports, whatever the working directory', async () => {
    const plan = await planOf(join(OWN, 'own-configuration.yaml'));
    expect(plan.nixosOwn).toMatchObject({ kind: 'configuration', dir: join(OWN, 'laptop'), entry: 'configuration.nix', optIn: true });
    expect(Object.keys(plan.nixosOwn!.files)).toEqual(['configuration.nix', 'modules/packages.nix']);
  });

  it('is imported instead of the blog\'s, with the hardware configuration, the harness module and the opt-in module', async () => {
    const files = nixosConfigFiles(await planOf(join(OWN, 'own-configuration.yaml')));
    expect(Object.keys(files).sort()).toEqual(['configuration.nix', 'darlings-harness.nix', 'darlings.nix', 'extra.nix', 'optin.nix', 'user/configuration.nix', 'user/modules/packages.nix']);
    const imports = /imports = \[([^\]]*)\]/.exec(files['configuration.nix']!)![1]!.trim().split(/\s*\n\s*/);
    expect(imports).toEqual(['(./user + "/configuration.nix")', './hardware-configuration.nix', './darlings.nix', './optin.nix', './extra.nix']);
    expect(files['configuration.nix']).not.toContain('networking.hostName');
  });

  it('leaves the opt-in module out with optIn: false', async () => {
    const dir = await scenarioIn('guests: [nixos]\nnixos: { configuration: ./c.nix, optIn: false }\n', { 'c.nix': '{ ... }: { }\n' });
    const files = nixosConfigFiles(await planOf(join(dir, 'scenario.yaml')));
    await rm(dir, { recursive: true, force: true });
    expect(files).not.toHaveProperty('optin.nix');
    expect(files['configuration.nix']).not.toContain('optin.nix');
  });

  it.skipIf(!hasNixInstantiate)('generates Nix that parses (nix-instantiate --parse)', async () => {
    for (const scenario of ['own-configuration.yaml', 'own-flake.yaml']) {
      const files = nixosConfigFiles(await planOf(join(OWN, scenario)));
      for (const [name, text] of Object.entries(files)) expect(nixParseError(text), `${scenario}: ${name}`).toBeNull();
    }
  });
});

describe('nixos.flake: the user\'s own flake', () => {
  it('copies the flake folder and extends nixosConfigurations.<name> with the harness module', async () => {
    const plan = await planOf(join(OWN, 'own-flake.yaml'));
    expect(plan.nixosOwn).toMatchObject({ kind: 'flake', dir: join(OWN, 'flake'), name: 'laptop' });
    const files = nixosConfigFiles(plan);
    expect(Object.keys(files).sort()).toEqual(['darlings-flake-eval.nix', 'darlings-harness.nix', 'darlings.nix', 'extra.nix', 'flake.nix', 'user/configuration.nix', 'user/disks.nix', 'user/flake.nix']);
    expect(files['flake.nix']).toContain('inputs.user.url = "path:/mnt/etc/nixos/user";');
    expect(files['flake.nix']).toContain('nixosConfigurations.darlings = user.nixosConfigurations."laptop".extendModules { modules = [ ./darlings.nix ./extra.nix ]; };');
    expect(files).not.toHaveProperty('optin.nix');
    expect(files).not.toHaveProperty('configuration.nix');
  });
});

describe('scenarios with a configuration of the user\'s are refused where they cannot run', () => {
  it('for the debian guest, at the key, exit 2', async () => {
    const dir = await scenarioIn('guests: [debian, nixos]\nnixos:\n  configuration: ./c.nix\n', { 'c.nix': '{ ... }: { }\n' });
    const error = await loadError(dir);
    expect(error.message).toMatch(/scenario\.yaml:3:18: Expected `guests` to be `\[nixos\]` with `nixos\.configuration`: the debian stand-in cannot run a NixOS configuration of your own/);
  });

  it('for the debian guest with a flake too', async () => {
    const dir = await scenarioIn('guests: [debian]\nnixos: { flake: ./f#x }\n', { 'f/flake.nix': '{ outputs = _: { }; }\n' });
    expect((await loadError(dir)).message).toMatch(/scenario\.yaml:2:\d+: Expected `guests` to be `\[nixos\]` with `nixos\.flake`/);
  });

  it('when the file is not there, naming where it was looked for', async () => {
    const dir = await scenarioIn('guests: [nixos]\nnixos: { configuration: ./missing.nix }\n');
    expect((await loadError(dir)).message).toMatch(/scenario\.yaml:2:\d+: Expected `nixos\.configuration` to name a readable file relative to the scenario, got `\.\/missing\.nix` \(no file at .*\/missing\.nix\)/);
  });

  it('when the flake folder has no flake.nix, or the reference has no #name', async () => {
    let dir = await scenarioIn('guests: [nixos]\nnixos: { flake: "./nowhere#laptop" }\n');
    expect((await loadError(dir)).message).toMatch(/Expected `nixos\.flake` to name a folder with a flake\.nix/);
    dir = await scenarioIn('guests: [nixos]\nnixos: { flake: ./flake }\n');
    expect((await loadError(dir)).message).toMatch(/scenario\.yaml:2:\d+: Expected `nixos\.flake` to be a flake `PATH#NAME`/);
  });

  it('when both are given, or optIn comes without a configuration, or a flake asks for offlineInstall', async () => {
    const c = { 'c.nix': '{ ... }: { }\n', 'f/flake.nix': '{ outputs = _: { }; }\n' };
    let dir = await scenarioIn('guests: [nixos]\nnixos: { configuration: ./c.nix, flake: ./f#x }\n', c);
    expect((await loadError(dir)).message).toMatch(/Expected either `nixos\.configuration` or `nixos\.flake`, got both/);
    dir = await scenarioIn('guests: [nixos]\nnixos: { flake: ./f#x, optIn: false }\n', c);
    expect((await loadError(dir)).message).toMatch(/Expected `nixos\.optIn` only with `nixos\.configuration`/);
    dir = await scenarioIn('guests: [nixos]\nnixos: { flake: ./f#x, offlineInstall: true }\n', c);
    expect((await loadError(dir)).message).toMatch(/Expected no `nixos\.offlineInstall` with `nixos\.flake`/);
  });
});

describe.skipIf(!nixpkgs)('evaluation of the user\'s own system (set DARLINGS_NIXPKGS to a nixos-24.05 tree to run)', () => {
  it(
    'a fixture configuration.nix evaluates with the harness modules around it',
    async () => {
      const result = await evalScenario(await planOf(join(OWN, 'own-configuration.yaml')), { nixpkgs: nixpkgs!, iso: false });
      expect(result.toplevelDrv).toMatch(/^\/nix\/store\/.*-nixos-system-laptop-.*\.drv$/);
    },
    EVAL_TIMEOUT_MS,
  );

  it(
    'a fixture flake evaluates offline: outputs called with nixpkgs from the tree, the harness module added',
    async () => {
      const result = await evalScenario(await planOf(join(OWN, 'own-flake.yaml')), { nixpkgs: nixpkgs!, iso: false });
      expect(result.toplevelDrv).toMatch(/^\/nix\/store\/.*-nixos-system-flaky-.*\.drv$/);
    },
    EVAL_TIMEOUT_MS,
  );

  it(
    'a flake with inputs besides nixpkgs is refused offline, naming them',
    async () => {
      const flake = '{ inputs.nixpkgs.url = "github:NixOS/nixpkgs"; inputs.impermanence.url = "github:nix-community/impermanence";\n  outputs = { self, nixpkgs, impermanence }: { }; }\n';
      const dir = await scenarioIn('guests: [nixos]\nnixos: { flake: ./f#laptop }\n', { 'f/flake.nix': flake });
      const plan = await planOf(join(dir, 'scenario.yaml'));
      await rm(dir, { recursive: true, force: true });
      const error = await evalScenario(plan, { nixpkgs: nixpkgs!, iso: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NixEvalFailed);
      expect((error as Error).message).toMatch(/gives a flake only its nixpkgs input; this one also asks for: impermanence/);
    },
    EVAL_TIMEOUT_MS,
  );

  it(
    'a mistake in the user\'s configuration fails with nix\'s own message',
    async () => {
      const dir = await scenarioIn('guests: [nixos]\nnixos: { configuration: ./c.nix }\n', { 'c.nix': '{ ... }: { networking.hostName = 42; }\n' });
      const plan = await planOf(join(dir, 'scenario.yaml'));
      await rm(dir, { recursive: true, force: true });
      const error = await evalScenario(plan, { nixpkgs: nixpkgs!, iso: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NixEvalFailed);
      expect((error as Error).message).toMatch(/networking\.hostName/);
    },
    EVAL_TIMEOUT_MS,
  );
});
