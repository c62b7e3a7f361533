/**
 * The serial console's reading of a boot, against a scripted fake console: panics and emergency
 * shells are named as such, a missing prompt is a timeout naming what was awaited with the last
 * lines, and secrets never reach the transcript even when split across chunks.
 */
import { describe, expect, it } from 'vitest';
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { SerialConsole } from '../../harness/channels/serial.ts';
import { Redactor } from '../../harness/util/redact.ts';
import { GuestCrashed, TimeoutError } from '../../harness/errors.ts';

function fakeConsole(secrets: string[] = []) {
  const typed: string[] = [];
  const duplex = new Duplex({
    read() {},
    write(chunk, _enc, cb) {
      typed.push(chunk.toString());
      cb();
    },
  });
  const serial = new SerialConsole(duplex as unknown as Socket, new Redactor(secrets));
  const emit = (text: string) => duplex.push(Buffer.from(text));
  return { serial, emit, typed };
}

describe('the serial console reading a boot', () => {
  it('reports a kernel panic as a panic, not a timeout', async () => {
    const { serial, emit } = fakeConsole();
    const wait = serial.waitFor(/Enter passphrase/, { timeoutMs: 5000, what: 'the LUKS prompt' });
    emit('[    2.1] VFS: Unable to mount root fs\n[    2.2] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n');
    const error = await wait.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuestCrashed);
    expect((error as GuestCrashed).kind).toBe('kernel-panic');
    expect((error as Error).message).toMatch(/the guest kernel panicked while waiting for the LUKS prompt: Kernel panic - not syncing: VFS/);
  });

  it('reports an emergency shell as such', async () => {
    const { serial, emit } = fakeConsole();
    const wait = serial.waitFor(/login:/, { timeoutMs: 5000, what: 'the login prompt' });
    emit('You are in emergency mode. After logging in, type "journalctl -xb" to view\n');
    const error = (await wait.catch((e: unknown) => e)) as GuestCrashed;
    expect(error.kind).toBe('emergency-mode');
  });

  it('reports the stand-in initrd\'s own emergency line', async () => {
    const { serial, emit } = fakeConsole();
    const wait = serial.waitFor(/login:/, { timeoutMs: 5000 });
    emit('darlings-initrd: emergency: /dev/nvme0n1p3 did not appear\n');
    expect(((await wait.catch((e: unknown) => e)) as GuestCrashed).kind).toBe('emergency-mode');
  });

  it('times out naming what it waited for, how long, and the last lines', async () => {
    const { serial, emit } = fakeConsole();
    emit('BdsDxe: starting Boot0004 "Linux Boot Manager"\nsomething else\n');
    const error = (await serial.waitFor(/Enter passphrase/, { timeoutMs: 300, what: 'the LUKS prompt' }).catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/^Timed out after 0\.3 s waiting for the LUKS prompt/);
    expect(error.message).toContain('BdsDxe: starting Boot0004');
  });

  it('ignores a panic of an earlier boot once a new boot is marked', async () => {
    const { serial, emit } = fakeConsole();
    emit('Kernel panic - not syncing: old\n');
    await new Promise((r) => setImmediate(r));
    serial.markBoot();
    const wait = serial.waitFor(/login:/, { timeoutMs: 2000 });
    emit('apollo login: ');
    await expect(wait).resolves.toBeTruthy();
  });

  it('says QEMU exited when the console closes during a wait', async () => {
    const { serial, emit } = fakeConsole();
    const wait = serial.waitFor(/login:/, { timeoutMs: 5000, what: 'the login prompt' });
    emit('booting\n');
    serial.close();
    expect(((await wait.catch((e: unknown) => e)) as GuestCrashed).kind).toBe('qemu-exited');
  });

  it('keeps secrets out of the transcript even when the echo splits them', async () => {
    const { serial, emit } = fakeConsole(['correct horse battery staple']);
    const seen: string[] = [];
    serial.setTranscript((t) => seen.push(t));
    for (const ch of 'echo correct horse battery staple\r\n') emit(ch);
    await new Promise((r) => setImmediate(r));
    serial.flushTranscript();
    expect(seen.join('')).toBe('echo [redacted]\r\n');
  });

  it('types a secret without it ever being logged', () => {
    const { serial, typed } = fakeConsole();
    serial.typeSecret('hunter2');
    expect(typed).toEqual(['hunter2\r']);
    expect(serial.redactor.redact('x hunter2')).toBe('x [redacted]');
  });
});
