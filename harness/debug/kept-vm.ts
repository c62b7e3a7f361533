/**
 * What `--keep-vm` leaves for `darlings shell`: `kept-vm.json` in the output folder (and in the
 * kept work folder) names the disk, the vars and the run's scenario, so the plan (and with it the
 * passphrase) is loaded again from the scenario, never stored.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScenarioError } from '../errors.ts';

export const KEPT_VM_FILE = 'kept-vm.json';

export interface KeptVm {
  workDir: string;
  disk: string;
  vars: string;
  scenarioFile: string;
  guest: 'debian' | 'nixos';
  kernel: string;
  profile: string;
}

export function keptVmText(k: KeptVm): string {
  return `${JSON.stringify(k, null, 2)}\n`;
}

export async function readKeptVm(dir: string): Promise<KeptVm> {
  const file = join(dir, KEPT_VM_FILE);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new ScenarioError(`${dir} has no ${KEPT_VM_FILE}: give the output folder of a run made with --keep-vm`);
  });
  const k = JSON.parse(text) as KeptVm;
  if (!k.disk || !k.vars || !k.scenarioFile) throw new ScenarioError(`${file} lacks the disk, the vars or the scenario`);
  return k;
}
