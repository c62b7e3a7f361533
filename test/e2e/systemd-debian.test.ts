/**
 * Issue 14 on the debian guest: the rollback as a systemd stage-1 unit, run for real. The
 * systemd-initrd scenario installs and passes every check with the unit ordered after the unlock;
 * from its checkpoints, wrong passphrases are refused at systemd-cryptsetup's prompt, and a unit
 * ordered only after initrd-root-device.target is caught, its cause named. Two VMs at a time. No
 * secret may appear in any output.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { badModes, darlings, filesUnder, outputDir, readResults } from './support/run-cli.ts';
import { expandPlans, loadScenario } from '../../harness/scenario/index.ts';
import type { RunResult } from '../../harness/report/results.ts';

const DESIGN_IDS = [
  'rollback.blank-not-nested', 'rollback.canary-gone', 'persist.files', 'persist.machine-id', 'persist.journal-boots',
  'persist.networkmanager', 'luks.root-encrypted', 'btrfs.layout', 'mounts.options', 'swap.active', 'state.drift',
];
// systemd-lost-escape needs an install of its own (a mapping with a dash), which would nearly double
// this file's time: its real run is test/fixtures/checks/systemd-lost-escape-debian.json (judges.test.ts).
const SCENARIOS = ['systemd-initrd', 'systemd-wrong-passphrase', 'systemd-root-device-only'];
const check = (r: RunResult, id: string) => r.checks.find((c) => c.id === id);

describe('the systemd stage 1 on the debian guest', () => {
  it('rolls back after the unlock, refuses wrong passphrases, and catches the mis-ordered units by their cause', async () => {
    const out = await outputDir('systemd');
    const r = await darlings(['run', ...SCENARIOS.map((s) => `scenarios/${s}.yaml`), '--guest', 'debian', '--workers', '2', '--output', out]);
    const log = r.all?.slice(-4000);

    const sd = await readResults(`${out}/systemd-initrd-debian-bookworm`);
    expect(sd.checks.filter((c) => [...DESIGN_IDS, 'rollback.ran', 'rollback.ordered'].includes(c.id) && c.status !== 'passed'), log).toEqual([]);
    expect(check(sd, 'rollback.ordered')?.message).toMatch(/^rollback\.service ran .* after systemd-cryptsetup@enc\.service finished at .* and before sysroot\.mount began/);
    expect(sd.status, log).toBe('passed');
    // The console of the checked boot: systemd-cryptsetup's prompt, then the unit's own lines.
    const serial = await readFile(`${out}/systemd-initrd-debian-bookworm/serial-3.log`, 'utf8');
    const prompt = serial.indexOf('Please enter passphrase for disk enc');
    expect(prompt).toBeGreaterThan(0);
    expect(serial.indexOf('darlings-initrd: rollback begin', prompt)).toBeGreaterThan(prompt);
    expect(serial).toMatch(/darlings-initrd: rollback end status=0/);

    const wrong = await readResults(`${out}/systemd-wrong-passphrase-debian-bookworm`);
    expect(wrong.checkpoint?.from).toBe('systemd-initrd@first-boot');
    expect(wrong.status, log).toBe('passed');
    // The checked boot is the last one (when the checkpoint was rebuilt, the install's boots come first).
    const wrongSerial = await readFile(`${out}/systemd-wrong-passphrase-debian-bookworm/${wrong.boots!.at(-1)!.serialLog}`, 'utf8');
    expect(wrongSerial.match(/Failed to activate with specified passphrase/g)?.length, wrongSerial.slice(0, 3000)).toBe(2);
    expect(wrongSerial.match(/Please enter passphrase for disk enc/g)?.length).toBe(3);

    const causes: Record<string, RegExp> = {
      'systemd-root-device-only': /ordered only after initrd-root-device\.target, which does not wait for the LUKS device \(systemd\/systemd#24904\)/,
    };
    for (const [name, cause] of Object.entries(causes)) {
      const res = await readResults(`${out}/${name}-debian-bookworm`);
      const ordered = check(res, 'rollback.ordered');
      expect(ordered?.status, `${name}\n${log}`).toBe('failed');
      expect(ordered?.expectedFailure, name).toBe(true);
      expect(ordered?.message, name).toMatch(cause);
      // It ran before the prompt: the journal shows it, and nothing was rolled back.
      expect(ordered?.message, name).toMatch(/started at .* before systemd-cryptsetup@.* finished/);
      expect(check(res, 'rollback.canary-gone')?.message, name).toMatch(/still there after the reboot/);
      expect(res.status, `${name}\n${log}`).toBe('passed');
    }
    expect(r.exitCode, log).toBe(0);

    // No passphrase or password in any file; the contract's modes.
    const secrets = new Set<string>();
    for (const s of SCENARIOS) for (const p of expandPlans(await loadScenario(`scenarios/${s}.yaml`), { guest: 'debian' })) for (const x of p.secrets) secrets.add(x);
    expect([...secrets]).toEqual(expect.arrayContaining(['correct horse battery staple', 'Tr0ub4dor&3']));
    const files = await filesUnder(out);
    for (const f of files) {
      const text = (await readFile(f)).toString('latin1');
      // Whole, or its first 10 characters (keys echoed before the agent turns echo off escape the
      // redaction of whole lines).
      for (const s of secrets) expect.soft(text.includes(s.slice(0, 10)), `${f} contains a secret or its beginning`).toBe(false);
    }
    expect(await badModes(out)).toEqual([]);
  });
});
