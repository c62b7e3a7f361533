/**
 * Boot to the first prompt of the tiny guest: raw QEMU (same image, same flags, serial socket
 * read by a bare client) against the harness (Machine + SerialConsole), alternated in one run.
 */
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { Machine, QEMU_BINARY } from '../harness/vm/machine.ts';
import { qemuArgs } from '../harness/vm/qemu-args.ts';
import { Redactor } from '../harness/util/redact.ts';
import { generateClientKey } from '../harness/channels/keys.ts';
import { tinySpec } from '../harness/guests/tiny-machine.ts';

const READY = 'darlings-ready: tiny';

export async function rawBootMs(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'darlings-bench-'));
  const spec = await tinySpec(dir, generateClientKey());
  const started = Date.now();
  const child = execa(QEMU_BINARY, qemuArgs(spec), { reject: false, stdio: 'ignore' });
  try {
    const socket = await retryConnect(spec.serialSocket);
    await new Promise<void>((resolve) => {
      let seen = '';
      socket.on('data', (d: Buffer) => {
        seen = (seen + d.toString('latin1')).slice(-4096);
        if (seen.includes(READY)) resolve();
      });
    });
    const ms = Date.now() - started;
    socket.destroy();
    return ms;
  } finally {
    child.kill('SIGKILL');
    await child;
    await rm(dir, { recursive: true, force: true });
  }
}

export async function harnessBootMs(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'darlings-bench-'));
  const spec = await tinySpec(dir, generateClientKey());
  const started = Date.now();
  const m = await Machine.start(spec, { redactor: new Redactor() });
  try {
    await m.serial.waitFor(new RegExp(READY), { timeoutMs: 300_000 });
    return Date.now() - started;
  } finally {
    await m.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function retryConnect(path: string) {
  for (let i = 0; i < 300; i++) {
    const s = connect(path);
    const ok = await new Promise<boolean>((r) => {
      s.once('connect', () => r(true));
      s.once('error', () => r(false));
    });
    if (ok) return s;
    s.destroy();
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no serial socket at ${path}`);
}
