import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandPlans, listEntries, loadProfile, loadScenario } from '../../harness/scenario/index.ts';

const SCENARIOS_DIR = join(import.meta.dirname, '../../scenarios');
const files = readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith('.yaml')).sort();

describe('shipped scenarios', () => {
  it('are all there', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'blog-xps13.yaml',
        'wrong-passphrase.yaml',
        'broken-rollback.yaml',
        'docker-lxd.yaml',
        'systemd-initrd.yaml',
        'power-cut.yaml',
      ]),
    );
  });

  it.each(files)('%s loads and expands to one plan per guest and kernel', async (file) => {
    const scenario = await loadScenario(join(SCENARIOS_DIR, file));
    const plans = expandPlans(scenario);
    expect(plans.length).toBeGreaterThan(0);
    expect([...new Set(plans.map((p) => p.guest))]).toEqual(scenario.input.guests);
    for (const plan of plans) {
      expect(plan.name).toBe(file.replace(/\.yaml$/, ''));
      expect(plan.secrets).toContain(plan.luks.passphrase);
      expect(plan.secrets).toContain(plan.user.password);
    }
    const ids = listEntries(plans).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('blog-xps13 runs on both guests with the XPS profile', async () => {
    const plans = expandPlans(await loadScenario(join(SCENARIOS_DIR, 'blog-xps13.yaml')));
    expect(listEntries(plans).map((e) => e.id)).toEqual(['blog-xps13/debian/bookworm', 'blog-xps13/nixos/default']);
    const [plan] = plans;
    expect(plan?.profile.smbios.type1).toMatchObject({ manufacturer: 'Dell Inc.', product: 'XPS 13 7390 2-in-1', sku: '08B0' });
    expect(plan?.disk.serial).toBe(plan?.profile.nvmeSerial);
    expect(plan?.luks.passphrase).toBe('correct horse battery staple');
  });

  it('broken-rollback has no rollback and expects the canary and drift checks to fail, and the recipe\'s machine-id gap', async () => {
    const [plan] = expandPlans(await loadScenario(join(SCENARIOS_DIR, 'broken-rollback.yaml')));
    expect(plan?.rollback).toEqual({ kind: 'none' });
    expect(plan?.expectedFailures).toEqual(['persist.nm-timestamps', 'persist.adjtime', 'rollback.ran', 'rollback.canary-gone', 'state.drift', 'persist.machine-id', 'persist.journal-boots']);
    expect(plan?.expectations.filter((e) => e.gap).map((e) => e.id)).toEqual(['persist.nm-timestamps', 'persist.machine-id', 'persist.journal-boots']);
  });

  it('blog-xps13 mends only the cp without -r, declared, and runs the rest of the blog\'s copies as written', async () => {
    const [plan] = expandPlans(await loadScenario(join(SCENARIOS_DIR, 'blog-xps13.yaml')), { guest: 'debian' });
    expect(plan?.deviations.map((d) => [d.blog, d.instead])).toEqual([['cp {,/persist}/etc/nixos', 'cp -r {,/persist}/etc/nixos']]);
    const [verbatim] = expandPlans(await loadScenario(join(SCENARIOS_DIR, 'blog-xps13-verbatim.yaml')), { guest: 'debian' });
    expect(verbatim?.deviations).toEqual([]);
    expect(verbatim?.persist.commands).toContain('cp {,/persist}/etc/nixos');
    expect(verbatim?.user.passwordVia).toBe('passwd');
    const [fixed] = expandPlans(await loadScenario(join(SCENARIOS_DIR, 'blog-xps13-fixed.yaml')), { guest: 'debian' });
    // The fixed recipe has no known gap; only what this machine cannot show (no /etc/adjtime) is declared.
    expect(fixed?.expectations.filter((e) => e.gap)).toEqual([]);
    expect(fixed?.expectations.map((e) => e.id)).toEqual(['persist.adjtime']);
    expect(fixed?.persist.commands).toContain('cp {,/persist}/etc/machine-id');
  });

  it('docker-lxd adds the two L rules to the blog defaults and copies their targets', async () => {
    const plans = expandPlans(await loadScenario(join(SCENARIOS_DIR, 'docker-lxd.yaml')));
    const nixos = plans.find((p) => p.guest === 'nixos');
    expect(nixos?.persist.tmpfiles).toHaveLength(5);
    expect(nixos?.persist.copy).toEqual(expect.arrayContaining(['/var/lib/docker', '/var/lib/lxd', '/etc/machine-id']));
    expect(nixos?.nixosExtraConfig).toMatch(/docker\.enable = true/);
    expect(plans.find((p) => p.guest === 'debian')?.serviceState.map((s) => s.path)).toEqual(['/var/lib/docker', '/var/lib/lxd']);
  });

  it('systemd-initrd runs with the systemd stage 1 on both guests', async () => {
    const plans = expandPlans(await loadScenario(join(SCENARIOS_DIR, 'systemd-initrd.yaml')));
    expect(plans.map((p) => [p.guest, p.initrd])).toEqual([['nixos', 'systemd'], ['debian', 'systemd']]);
  });

  it('the mis-ordered systemd stage-1 units expect rollback.ordered to fail, each with a reason naming its cause', async () => {
    const causes = { 'systemd-root-device-only': /initrd-root-device\.target.*systemd#24904/, 'systemd-lost-escape': /lost its backslash/ };
    for (const [name, cause] of Object.entries(causes)) {
      const [plan] = expandPlans(await loadScenario(join(SCENARIOS_DIR, `${name}.yaml`)));
      expect(plan?.initrd, name).toBe('systemd');
      const ordered = plan?.expectations.find((e) => e.id === 'rollback.ordered');
      expect(ordered?.reason, name).toMatch(cause);
      expect(plan?.expectations.map((e) => e.id), name).toEqual(expect.arrayContaining(['rollback.ran', 'rollback.canary-gone', 'state.drift']));
    }
  });

  it('wrong-passphrase types secrets that are all redacted', async () => {
    const [plan] = expandPlans(await loadScenario(join(SCENARIOS_DIR, 'wrong-passphrase.yaml')));
    expect(plan?.luks.wrongPassphrases.length).toBeGreaterThanOrEqual(1);
    for (const wrong of plan?.luks.wrongPassphrases ?? []) expect(plan?.secrets).toContain(wrong);
  });
});

describe('shipped profiles', () => {
  it('generic sets nothing', async () => {
    const generic = await loadProfile('generic');
    expect(generic).toEqual({ name: 'generic', smbios: {}, cannotEmulate: [] });
  });

  it('xps13-7390 looks like the blog laptop and says what QEMU cannot emulate', async () => {
    const xps = await loadProfile('xps13-7390');
    expect(xps.smbios.type0).toMatchObject({ vendor: 'Dell Inc.', version: '1.8.1' });
    expect(xps.smbios.type2).toMatchObject({ manufacturer: 'Dell Inc.', product: '0C5FX3' });
    expect(xps.nvmeModel).toBe('PM981a NVMe Samsung 512GB');
    expect(xps.memoryMiB).toBe(1024);
    expect(xps.cannotEmulate.join('\n')).toMatch(/Killer AX1650/);
    expect(xps.cannotEmulate.length).toBe(5);
  });
});
