import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../harness/errors.ts';
import { expandPlans, loadScenario } from '../../harness/scenario/index.ts';
import { parseNixosRelease, readNixpkgsRelease, stage1Support } from '../../harness/scenario/nixos-release.ts';

describe('the stage 1 a NixOS release has', () => {
  it.each([
    ['24.05', 'scripted', 'default'],
    ['25.11', 'scripted', 'default'],
    ['26.05', 'systemd', 'deprecated'],
    ['26.11', 'systemd', 'removed'],
    ['27.05pre-git', 'systemd', 'removed'],
  ])('%s: default %s, scripted stage 1 %s', (version, defaultInitrd, scripted) => {
    expect(stage1Support(parseNixosRelease(version))).toEqual({ defaultInitrd, scripted });
  });

  it('an unknown release gets systemd stage 1, what current NixOS runs', () => {
    expect(stage1Support(undefined)).toEqual({ defaultInitrd: 'systemd', scripted: 'unknown' });
  });

  it('reads version strings as nixpkgs writes them', () => {
    expect(parseNixosRelease('24.05\n')?.text).toBe('24.05');
    expect(parseNixosRelease('26.11.20261120.abcdef0')?.text).toBe('26.11');
    expect(parseNixosRelease('25.11pre-git')?.text).toBe('25.11');
    expect(parseNixosRelease('unstable')).toBeUndefined();
    expect(parseNixosRelease('24.13')).toBeUndefined();
  });
});

/** A nixpkgs tree holding only its version file, and a scenario beside it. */
function tree(version: string, file = 'lib/.version'): string {
  const dir = mkdtempSync(join(tmpdir(), 'darlings-nixpkgs-'));
  mkdirSync(join(dir, 'nixpkgs', 'lib'), { recursive: true });
  writeFileSync(join(dir, 'nixpkgs', file), `${version}\n`);
  return dir;
}

describe('loading a nixos scenario for a nixpkgs', () => {
  it('reads lib/.version, else .version', async () => {
    expect((await readNixpkgsRelease(join(tree('25.11'), 'nixpkgs')))?.text).toBe('25.11');
    expect((await readNixpkgsRelease(join(tree('26.05', '.version'), 'nixpkgs')))?.text).toBe('26.05');
    expect(await readNixpkgsRelease(tmpdir())).toBeUndefined();
  });

  it.each([
    ['24.05', 'scripted'],
    ['25.11', 'scripted'],
    ['26.05', 'systemd'],
    ['26.11', 'systemd'],
  ])('nixpkgs %s: the default stage 1 is %s, and the plan carries the release', async (version, initrd) => {
    const dir = tree(version);
    writeFileSync(join(dir, 's.yaml'), 'guests: [debian, nixos]\nnixos: { nixpkgs: ./nixpkgs }\n');
    const plans = expandPlans(await loadScenario(join(dir, 's.yaml')));
    expect(plans.map((p) => [p.guest, p.initrd, p.nixosRelease])).toEqual([
      ['debian', 'scripted', undefined],
      ['nixos', initrd, version],
    ]);
  });

  it('--nixpkgs beats the scenario pin', async () => {
    const pinned = tree('24.05');
    const given = tree('26.05');
    writeFileSync(join(pinned, 's.yaml'), 'guests: [nixos]\nnixos: { nixpkgs: ./nixpkgs }\n');
    const [plan] = expandPlans(await loadScenario(join(pinned, 's.yaml'), { nixpkgs: join(given, 'nixpkgs') }));
    expect(plan?.nixosRelease).toBe('26.05');
    expect(plan?.initrd).toBe('systemd');
  });

  it('initrd: scripted is refused at its position where the scripted stage 1 is gone, with the hint', async () => {
    const dir = tree('26.11');
    const file = join(dir, 's.yaml');
    writeFileSync(file, 'guests: [nixos]\nnixos:\n  nixpkgs: ./nixpkgs\ninitrd: scripted\n');
    const error = await loadScenario(file).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toMatch(new RegExp(`^${file}:4:9: Expected \`initrd: systemd\`: NixOS 26.11`));
  });

  it('initrd: scripted still loads where it is only deprecated (26.05)', async () => {
    const dir = tree('26.05');
    writeFileSync(join(dir, 's.yaml'), 'guests: [nixos]\nnixos: { nixpkgs: ./nixpkgs }\ninitrd: scripted\n');
    const [plan] = expandPlans(await loadScenario(join(dir, 's.yaml')));
    expect(plan?.initrd).toBe('scripted');
  });
});
