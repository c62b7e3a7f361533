/**
 * The debian guest's installer (issue 3): built and cached, a hybrid ISO with an EFI boot image,
 * booted under OVMF from a USB stick with an NVMe disk, reachable over serial and SSH, with the
 * tools the blog's install uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { debianDriver } from '../../harness/guests/debian/driver.ts';
import { defaultCacheDir } from '../../harness/guests/image-cache.ts';
import { Machine } from '../../harness/vm/machine.ts';
import { copyVars, findOvmf } from '../../harness/vm/firmware.ts';
import { createDisk } from '../../harness/vm/disk.ts';
import { freePort } from '../../harness/vm/ports.ts';
import { chooseAccel } from '../../harness/vm/accel.ts';
import { Redactor } from '../../harness/util/redact.ts';
import { generateClientKey, HOSTKEY_LINE, hostKeyBlob } from '../../harness/channels/keys.ts';
import { SshChannel } from '../../harness/channels/ssh.ts';
import type { GuestImage } from '../../harness/guests/guest.ts';

let image: GuestImage;
let machine: Machine;
let ssh: SshChannel;
let dir: string;

beforeAll(async () => {
  image = await debianDriver.buildImage({ cacheDir: defaultCacheDir(), onProgress: (l) => process.stdout.write(`  [build] ${l}\n`) });
  dir = await mkdtemp(join(tmpdir(), 'darlings-debian-'));
  const ovmf = await findOvmf();
  const key = generateClientKey();
  await createDisk(join(dir, 'nvme.qcow2'), 2048);
  machine = await Machine.start(
    {
      name: 'debian-installer-test',
      accel: (await chooseAccel('auto')).accel,
      memoryMiB: 768,
      cpus: 2,
      ovmfCode: ovmf.code,
      ovmfVars: await copyVars(ovmf.vars, join(dir, 'vars.fd')),
      nvme: { path: join(dir, 'nvme.qcow2'), serial: 'DARLINGSDEB1' },
      boot: { iso: image.iso, medium: 'usb' },
      sshPort: await freePort(),
      serialSocket: join(dir, 's.sock'),
      qmpSocket: join(dir, 'q.sock'),
      fwCfg: [{ name: 'opt/darlings/ssh-key', string: key.publicKey }],
    },
    { redactor: new Redactor() },
  );
  const hk = await machine.serial.waitFor(HOSTKEY_LINE, { timeoutMs: 300_000, what: 'the installer\'s host key' });
  await machine.serial.waitFor(/darlings-ready: installer/, { timeoutMs: 300_000, what: 'the installer to be ready' });
  ssh = await SshChannel.connect({ port: machine.spec.sshPort, privateKey: key.privateKey, hostKey: hostKeyBlob(hk[1]!), connectTimeoutMs: 60_000, commandTimeoutMs: 60_000, redactor: new Redactor() });
}, 20 * 60_000);

afterAll(async () => {
  ssh?.close();
  await machine?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the debian installer image', () => {
  it('is a hybrid ISO with an EFI El Torito boot image', async () => {
    const r = await execa('xorriso', ['-indev', image.iso, '-report_el_torito', 'plain'], { reject: false });
    expect(r.stdout + r.stderr).toMatch(/El Torito boot img\s*:\s*\d+\s+UEFI/);
  });

  it('comes from the cache the second time, with the same key', async () => {
    const again = await debianDriver.buildImage({ cacheDir: defaultCacheDir() });
    expect(again.key).toBe(image.key);
    expect(again.facts.cached).toBe('yes');
  });

  it('boots from a USB stick under OVMF and sees the NVMe disk', async () => {
    const r = await machine.serial.run('ls /dev/nvme0n1', { timeoutMs: 30_000 });
    expect(r).toEqual({ exitCode: 0, output: '/dev/nvme0n1\n' });
  });

  it('has the install tools and the stand-in commands over SSH', async () => {
    for (const cmd of ['cryptsetup --version', 'btrfs --version', 'sfdisk --version', 'command -v mkfs.vfat mkswap swapon', 'darlings-install --help', 'darlings-generate-config --help']) {
      const r = await ssh.run(cmd);
      expect.soft(r.exitCode, `${cmd}: ${r.stderr}`).toBe(0);
    }
  });

  it('formats LUKS2, btrfs, vfat and swap on the NVMe disk for real', async () => {
    await ssh.upload('/run/test-key', 'not-a-real-secret', 0o600);
    const out = await ssh.expectSuccess(
      'printf "label: gpt\\nsize=64MiB, type=U\\nsize=32MiB, type=S\\ntype=L\\n" | sfdisk -q /dev/nvme0n1 && ' +
        'for i in $(seq 50); do [ -b /dev/nvme0n1p3 ] && break; sleep 0.2; done && ' +
        'cryptsetup -q luksFormat --type luks2 --pbkdf pbkdf2 --iter-time 50 --key-file /run/test-key /dev/nvme0n1p3 && ' +
        'cryptsetup open --key-file /run/test-key /dev/nvme0n1p3 t && mkfs.btrfs -q /dev/mapper/t && mount /dev/mapper/t /mnt && ' +
        'btrfs subvolume create /mnt/root >/dev/null && btrfs subvolume list /mnt && umount /mnt && cryptsetup close t && ' +
        'mkfs.vfat -n boot /dev/nvme0n1p1 >/dev/null && blkid /dev/nvme0n1p1 && ' +
        'mkswap /dev/nvme0n1p2 >/dev/null && swapon /dev/nvme0n1p2 && cat /proc/swaps && swapoff /dev/nvme0n1p2',
      { timeoutMs: 180_000 },
    );
    expect(out).toMatch(/path root/);
    expect(out).toMatch(/LABEL="boot"/);
    expect(out).toMatch(/\/dev\/nvme0n1p2\s+partition/);
  });
});
