/**
 * The QMP client against a fake QEMU on a unix socket: answers matched by id, a command that gets
 * no answer times out, an abort stops the wait, and a late answer never lands on the next command.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient } from '../../harness/vm/qmp.ts';
import { AbortedError, InfraError } from '../../harness/errors.ts';

type Reply = (cmd: { execute: string; id?: number; arguments?: unknown }, socket: Socket) => void;
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** A fake QMP server: greets, then hands each command to `reply`. */
async function fakeQemu(reply: Reply, greet = true): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'darlings-qmp-'));
  const path = join(dir, 'qmp.sock');
  const server: Server = createServer((socket) => {
    if (greet) socket.write(JSON.stringify({ QMP: { version: {}, capabilities: [] } }) + '\n');
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const cmd = JSON.parse(buf.slice(0, nl)) as { execute: string; id?: number };
        buf = buf.slice(nl + 1);
        if (cmd.execute === 'qmp_capabilities') socket.write(JSON.stringify({ return: {}, id: cmd.id }) + '\n');
        else reply(cmd, socket);
      }
    });
  });
  await new Promise<void>((r) => server.listen(path, r));
  cleanups.push(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return path;
}

describe('QMP execute', () => {
  it('matches answers to commands by id, whatever order they come in', async () => {
    const held: { id?: number; execute: string }[] = [];
    const path = await fakeQemu((cmd, socket) => {
      held.push(cmd);
      if (held.length === 2) for (const c of [...held].reverse()) socket.write(JSON.stringify({ return: c.execute, id: c.id }) + '\n');
    });
    const qmp = await QmpClient.connect(path);
    cleanups.push(() => qmp.close());
    await expect(Promise.all([qmp.execute('query-status'), qmp.execute('query-name')])).resolves.toEqual(['query-status', 'query-name']);
  });

  it('gives up on a command with no answer, and its late answer does not land on the next one', async () => {
    let first = true;
    const path = await fakeQemu((cmd, socket) => {
      if (first) {
        first = false;
        setTimeout(() => socket.write(JSON.stringify({ return: 'late', id: cmd.id }) + '\n'), 80);
      } else setTimeout(() => socket.write(JSON.stringify({ return: 'mine', id: cmd.id }) + '\n'), 120);
    });
    const qmp = await QmpClient.connect(path);
    cleanups.push(() => qmp.close());
    const error = await qmp.execute('screendump', {}, { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfraError);
    expect((error as Error).message).toMatch(/^QMP screendump got no answer within 0\.0 s/);
    await expect(qmp.execute('query-status')).resolves.toBe('mine');
  });

  it('stops waiting when the signal is aborted', async () => {
    const path = await fakeQemu(() => {});
    const qmp = await QmpClient.connect(path);
    cleanups.push(() => qmp.close());
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('Ctrl-C')), 20);
    await expect(qmp.execute('system_powerdown', undefined, { signal: controller.signal, timeoutMs: 60_000 })).rejects.toBeInstanceOf(AbortedError);
  });

  it('reports QEMU refusing a command', async () => {
    const path = await fakeQemu((cmd, socket) => socket.write(JSON.stringify({ error: { class: 'GenericError', desc: 'no such device' }, id: cmd.id }) + '\n'));
    const qmp = await QmpClient.connect(path);
    cleanups.push(() => qmp.close());
    await expect(qmp.execute('device_del')).rejects.toThrow('QMP device_del failed: no such device');
  });

  it('does not hang on a socket that never greets', async () => {
    const path = await fakeQemu(() => {}, false);
    await expect(QmpClient.connect(path, { timeoutMs: 50 })).rejects.toThrow(/did not greet within/);
  });
});
