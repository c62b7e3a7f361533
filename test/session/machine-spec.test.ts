import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandPlans, loadScenario } from '../../harness/scenario/index.ts';
import { machineSpec } from '../../harness/session/machine-spec.ts';

const profilesDir = fileURLToPath(new URL('../../images/profiles/', import.meta.url));

async function specFor(yaml: string) {
  const dir = await mkdtemp(join(tmpdir(), 'darlings-spec-'));
  const file = join(dir, 's.yaml');
  await writeFile(file, yaml);
  const [plan] = expandPlans(await loadScenario(file, { profilesDir }), { guest: 'debian' });
  return machineSpec({ plan: plan!, accel: 'tcg', ovmfCode: 'c', ovmfVars: 'v', disk: 'd', sshPort: 2222, workDir: dir, publicKey: 'k', boot: 1 });
}

describe('machine spec', () => {
  it("takes the scenario's memory, cpus and NVMe serial over the profile's", async () => {
    const spec = await specFor('guests: [debian]\nprofile: xps13-7390\nvm: { memory: 1536MiB, cpus: 1 }\ndisk: { serial: SCENARIO-SERIAL }\n');
    expect(spec.memoryMiB).toBe(1536);
    expect(spec.cpus).toBe(1);
    expect(spec.nvme.serial).toBe('SCENARIO-SERIAL');
  });

  it("takes the profile's NVMe serial when the scenario names none", async () => {
    const spec = await specFor('guests: [debian]\nprofile: xps13-7390\n');
    expect(spec.nvme.serial).toBe('S4DYNF0M000001');
  });
});
