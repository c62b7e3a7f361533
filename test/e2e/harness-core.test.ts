/**
 * The harness core against a real VM (issue 2): the tiny guest under OVMF with an NVMe disk,
 * commands over serial and SSH with their exit codes, a refused host key, and no QEMU left
 * behind when the harness is SIGKILLed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa, execaSync } from 'execa';
import { bootTiny, type TinyBoot } from '../../harness/guests/tiny-machine.ts';
import { SshChannel, HostKeyMismatch } from '../../harness/channels/ssh.ts';
import { generateClientKey, hostKeyBlob } from '../../harness/channels/keys.ts';
import { Redactor } from '../../harness/util/redact.ts';
import { pollUntil } from '../../harness/util/poll.ts';
import { TimeoutError } from '../../harness/errors.ts';

const redactor = new Redactor(['tiny-secret-passphrase']);
let vm: TinyBoot;
let ssh: SshChannel;

beforeAll(async () => {
  vm = await bootTiny(redactor);
  ssh = await SshChannel.connect({
    port: vm.machine.spec.sshPort,
    privateKey: vm.key.privateKey,
    hostKey: hostKeyBlob(vm.hostKeyLine),
    connectTimeoutMs: 60_000,
    commandTimeoutMs: 30_000,
    redactor,
  });
}, 300_000);

afterAll(async () => {
  ssh?.close();
  await vm?.cleanup();
});

describe('the tiny guest under OVMF with an NVMe disk', () => {
  it('sees /dev/nvme0n1 with the serial number QEMU gave it', async () => {
    const r = await vm.machine.serial.run('ls /dev/nvme0n1 && cat /sys/block/nvme0n1/device/serial', { timeoutMs: 30_000 });
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain('/dev/nvme0n1');
    expect(r.output).toContain('DARLINGSTINY1');
  });

  it('runs commands on the serial console and returns their exit codes and output', async () => {
    expect(await vm.machine.serial.run('true', { timeoutMs: 30_000 })).toEqual({ exitCode: 0, output: '' });
    const r = await vm.machine.serial.run('echo one; echo two >&2; (exit 7)', { timeoutMs: 30_000 });
    expect(r.exitCode).toBe(7);
    expect(r.output.split('\n')).toEqual(expect.arrayContaining(['one', 'two']));
  });

  it('names what it waited for and shows the last lines when a serial wait times out', async () => {
    vm.machine.serial.sendLine('echo last-line-before-timeout');
    const error = await vm.machine.serial.waitFor(/this never appears/, { timeoutMs: 1500, what: 'a line that never comes' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toMatch(/Timed out after 1\.5 s waiting for a line that never comes/);
    expect((error as TimeoutError).message).toContain('last-line-before-timeout');
  });

  it('runs commands over SSH with exit code, stdout and stderr apart', async () => {
    const r = await ssh.run('echo out; echo err >&2; exit 3');
    expect(r).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    expect((await ssh.run('test -b /dev/nvme0n1')).exitCode).toBe(0);
  });

  it('uploads files over SSH through stdin, binary-safe, with the mode asked for', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 0x80]);
    await ssh.upload('/tmp/darlings/blob', bytes, 0o600);
    const r = await ssh.run('od -An -tx1 /tmp/darlings/blob; stat -c %a /tmp/darlings/blob');
    expect(r.stdout.replace(/\s+/g, ' ').trim()).toBe('00 01 02 ff 0a 0d 80 600');
  });

  it('redacts registered secrets in what the serial console records', async () => {
    const seen: string[] = [];
    vm.machine.serial.setTranscript((t) => seen.push(t));
    await vm.machine.serial.run('echo tiny-secret-passphrase', { timeoutMs: 30_000 });
    vm.machine.serial.setTranscript(undefined);
    expect(seen.join('')).toContain('[redacted]');
    expect(seen.join('')).not.toContain('tiny-secret-passphrase');
  });

  it('refuses to connect when the guest presents another host key', async () => {
    const other = generateClientKey('not-the-guest').publicKey;
    const started = Date.now();
    const error = await SshChannel.connect({
      port: vm.machine.spec.sshPort,
      privateKey: vm.key.privateKey,
      hostKey: hostKeyBlob(other),
      connectTimeoutMs: 60_000,
      commandTimeoutMs: 10_000,
      redactor,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatch);
    expect((error as Error).message).toMatch(/Refusing SSH to 127\.0\.0\.1:\d+: the host key is SHA256:\S+, but the guest's console announced SHA256:\S+/);
    // Final, not retried until the connect timeout.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('forwards SSH on 127.0.0.1 only', async () => {
    const r = await execa('ss', ['-Hltn', `sport = :${vm.machine.spec.sshPort}`], { reject: false });
    expect(r.stdout).toContain(`127.0.0.1:${vm.machine.spec.sshPort}`);
    expect(r.stdout).not.toMatch(/(0\.0\.0\.0|\*|\[::\]):\d+/);
  });

  it('takes a screenshot of the VGA screen as PNG through QMP', async () => {
    const path = `${vm.dir}/shot.png`;
    await vm.machine.screenshot(path);
    const { readFile } = await import('node:fs/promises');
    const png = await readFile(path);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('process lifetime', () => {
  it('leaves no QEMU running after the harness process is SIGKILLed', async () => {
    const child = execa('npx', ['tsx', 'test/e2e/support/hold-qemu.ts'], { reject: false, buffer: false });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /qemu-pid (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      void child.then((r) => reject(new Error(`holder exited early: ${r.stderr}`)));
    });
    expect(isAlive(pid)).toBe(true);
    // Kill the node process itself (npx -> tsx -> node): find the node that owns QEMU.
    const parent = Number((await execa('ps', ['-o', 'ppid=', '-p', String(pid)])).stdout.trim());
    process.kill(parent, 'SIGKILL');
    await pollUntil(() => !isAlive(pid), { timeoutMs: 10_000, what: `QEMU (pid ${pid}) to die after its harness was SIGKILLed` });
    child.kill('SIGKILL');
    expect(isAlive(pid)).toBe(false);
  }, 300_000);
});

function isAlive(pid: number): boolean {
  // A zombie still answers kill(pid, 0), so ask ps for the state.
  const r = execaSync('ps', ['-o', 'stat=', '-p', String(pid)], { reject: false });
  return r.exitCode === 0 && !/^Z/.test(r.stdout.trim());
}
