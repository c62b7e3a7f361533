/**
 * Boots the tiny guest for the harness's own tests: OVMF, an NVMe disk, the ISO as a USB stick,
 * a per-run key through fw_cfg. Returns the machine, the announced host key, and a cleanup.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Machine } from '../vm/machine.ts';
import { copyVars, findOvmf } from '../vm/firmware.ts';
import { createDisk } from '../vm/disk.ts';
import { freePort } from '../vm/ports.ts';
import { chooseAccel } from '../vm/accel.ts';
import { Redactor } from '../util/redact.ts';
import { generateClientKey, HOSTKEY_LINE, type ClientKey } from '../channels/keys.ts';
import { buildTinyImage } from './tiny.ts';
import { defaultCacheDir } from './image-cache.ts';
import type { MachineSpec } from '../vm/qemu-args.ts';

export interface TinyBoot {
  machine: Machine;
  key: ClientKey;
  hostKeyLine: string;
  bootMs: number;
  dir: string;
  cleanup(): Promise<void>;
}

export async function tinySpec(dir: string, key: ClientKey): Promise<MachineSpec> {
  const iso = (await buildTinyImage({ cacheDir: defaultCacheDir() })).iso;
  const ovmf = await findOvmf();
  const vars = await copyVars(ovmf.vars, join(dir, 'vars.fd'));
  await createDisk(join(dir, 'nvme.qcow2'), 512);
  return {
    name: 'tiny-test',
    accel: (await chooseAccel('auto')).accel,
    memoryMiB: 512,
    cpus: 1,
    ovmfCode: ovmf.code,
    ovmfVars: vars,
    nvme: { path: join(dir, 'nvme.qcow2'), serial: 'DARLINGSTINY1' },
    boot: { iso, medium: 'usb' },
    sshPort: await freePort(),
    serialSocket: join(dir, 'serial.sock'),
    qmpSocket: join(dir, 'qmp.sock'),
    fwCfg: [{ name: 'opt/darlings/ssh-key', string: key.publicKey }],
  };
}

export async function bootTiny(redactor = new Redactor()): Promise<TinyBoot> {
  const dir = await mkdtemp(join(tmpdir(), 'darlings-test-'));
  const key = generateClientKey('darlings-test');
  const spec = await tinySpec(dir, key);
  const started = Date.now();
  const machine = await Machine.start(spec, { redactor });
  try {
    const hk = await machine.serial.waitFor(HOSTKEY_LINE, { timeoutMs: 180_000, what: 'the tiny guest\'s host key line' });
    await machine.serial.waitFor(/darlings-ready: tiny/, { timeoutMs: 180_000, what: 'the tiny guest to be ready' });
    return {
      machine,
      key,
      hostKeyLine: hk[1]!,
      bootMs: Date.now() - started,
      dir,
      async cleanup() {
        await machine.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await machine.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
