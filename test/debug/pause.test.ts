/**
 * The debug pause (issue 18) without a VM: the access lines, the files they name, the hand-over
 * of the console and QMP, the wait until Ctrl-C or power-off, and how the list reporter prints it.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessLines, knownHostsLine, sshArgs, writeAccessFiles } from '../../harness/debug/access.ts';
import { createPause, parseDebugMode, pauseMachine, pausesAtEnd, pausesBefore, pausesOnFailure, type PausableMachine } from '../../harness/debug/pause.ts';
import type { HarnessEvent } from '../../harness/report/events.ts';
import { ListReporter } from '../../harness/report/list-reporter.ts';
import { Redactor } from '../../harness/util/redact.ts';

const HOSTKEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9kZXhhbXBsZWtleWJsb2Jmb3J0ZXN0aW5nb25seQ==';

function fakeMachine(serialText: string) {
  let exit!: () => void;
  const closed = { serial: false, qmp: false };
  const m: PausableMachine = {
    running: true,
    exited: new Promise<void>((r) => (exit = r)),
    spec: { sshPort: 40222, serialSocket: '/tmp/darlings-x/serial-3.sock', qmpSocket: '/tmp/darlings-x/qmp-3.sock' },
    serial: { since: () => serialText, close: () => void (closed.serial = true) },
    qmp: { close: () => void (closed.qmp = true) },
  };
  return { m, closed, exit: () => exit() };
}

describe('access to a paused guest', () => {
  it('ssh with the run key, the pinned host key and the forwarded port; serial and QMP through socat', () => {
    const a = { sshPort: 40222, keyFile: '/w/debug_ed25519', knownHostsFile: '/w/known_hosts-3', serialSocket: '/w/serial-3.sock', qmpSocket: '/w/qmp-3.sock', user: 'root' };
    const lines = accessLines(a);
    expect(lines.map((l) => l.label)).toEqual(['ssh', 'serial', 'qmp']);
    expect(lines[0]!.command).toBe('ssh -i /w/debug_ed25519 -p 40222 -o IdentitiesOnly=yes -o UserKnownHostsFile=/w/known_hosts-3 -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR root@127.0.0.1');
    expect(lines[1]!.command).toBe('socat -,raw,echo=0,escape=0x1d UNIX-CONNECT:/w/serial-3.sock');
    expect(lines[2]!.command).toBe('socat - UNIX-CONNECT:/w/qmp-3.sock');
    expect(knownHostsLine(40222, `${HOSTKEY} root@x`)).toBe(`[127.0.0.1]:40222 ${HOSTKEY}\n`);
  });

  it('no ssh line before the boot announced its host key: nothing unpinned is offered', () => {
    const lines = accessLines({ sshPort: 40222, keyFile: '/w/k', serialSocket: '/w/s', qmpSocket: '/w/q', user: 'root' });
    expect(lines.map((l) => l.label)).toEqual(['serial', 'qmp']);
    expect(() => sshArgs({ sshPort: 40222, keyFile: '/w/k', serialSocket: '/w/s', qmpSocket: '/w/q', user: 'root' })).toThrow(/no SSH access/);
  });

  it('the key and known_hosts are 0600 files in the work folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'darlings-access-'));
    const f = await writeAccessFiles(dir, { privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----', sshPort: 40222, hostKeyLine: HOSTKEY, boot: 3 });
    expect(f.keyFile).toBe(join(dir, 'debug_ed25519'));
    for (const p of [f.keyFile, f.knownHostsFile!]) expect((await stat(p)).mode & 0o777).toBe(0o600);
    expect(await readFile(f.knownHostsFile!, 'utf8')).toBe(`[127.0.0.1]:40222 ${HOSTKEY}\n`);
  });
});

describe('the pause', () => {
  it('--debug means on-failure; always also pauses after passing checks; --pause-before names a phase', () => {
    expect(parseDebugMode(undefined)).toBe('off');
    expect(parseDebugMode(true)).toBe('on-failure');
    expect(parseDebugMode('always')).toBe('always');
    expect(() => parseDebugMode('sometimes')).toThrow(/got `sometimes`/);
    expect(pausesOnFailure({ debug: 'off', beforePhase: 'checks' })).toBe(false);
    expect(pausesBefore({ debug: 'off', beforePhase: 'checks' }, 'checks')).toBe(true);
    expect(pausesBefore({ debug: 'off', beforePhase: 'checks' }, 'reboot')).toBe(false);
    expect(pausesAtEnd({ debug: 'on-failure' })).toBe(false);
    expect(pausesAtEnd({ debug: 'always' })).toBe(true);
  });

  it('prints this boot\'s access, hands over the console and QMP, and waits until Ctrl-C', async () => {
    const events: HarnessEvent[] = [];
    const ctl = new AbortController();
    const { m, closed } = fakeMachine(`old boot darlings-hostkey: ssh-ed25519 OLDKEY\r\n…\r\ndarlings-hostkey: ${HOSTKEY}\r\nlogin: `);
    const workDir = await mkdtemp(join(tmpdir(), 'darlings-pause-'));
    const emit = (e: HarnessEvent) => void events.push(e);
    let settled = false;
    const p = pauseMachine(m, { pause: { when: { debug: 'off', beforePhase: 'checks' }, pause: createPause({ emit, signal: ctl.signal }) }, emit, signal: ctl.signal, runId: 'r', phase: 'checks', reason: 'before checks', workDir, privateKey: 'KEY', boot: 3 }).then((v) => {
      settled = true;
      return v;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    expect(closed).toEqual({ serial: true, qmp: true });
    const access = events.find((e) => e.type === 'debug-access');
    expect(access).toMatchObject({ type: 'debug-access', runId: 'r', phase: 'checks', reason: 'before checks', user: 'root' });
    expect(await readFile(join(workDir, 'known_hosts-3'), 'utf8')).toContain(HOSTKEY);
    ctl.abort(new Error('interrupted by SIGINT'));
    expect(await p).toBe('interrupted by SIGINT');
  });

  it('ends when the guest powers itself off; warns and does not wait when no machine runs', async () => {
    const events: HarnessEvent[] = [];
    const emit = (e: HarnessEvent) => void events.push(e);
    const ctl = new AbortController();
    const hook = { when: { debug: 'on-failure' as const }, pause: createPause({ emit, signal: ctl.signal }) };
    const { m, exit } = fakeMachine('');
    const p = pauseMachine(m, { pause: hook, emit, signal: ctl.signal, runId: 'r', phase: 'first-boot', reason: 'first-boot failed: x', workDir: await mkdtemp(join(tmpdir(), 'darlings-pause-')), privateKey: 'KEY', boot: 2 });
    await new Promise((r) => setTimeout(r, 20));
    exit();
    expect(await p).toMatch(/powered off/);
    const access = events.find((e) => e.type === 'debug-access');
    expect(access && 'lines' in access && access.lines.map((l) => l.label)).toEqual(['serial', 'qmp']);
    expect(await pauseMachine(undefined, { pause: hook, emit, signal: ctl.signal, runId: 'r', phase: 'image', reason: 'image failed', workDir: '', privateKey: 'KEY', boot: 0 })).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'log', level: 'warn', message: expect.stringMatching(/no machine is running/) });
  });

  it('the list reporter prints the access lines and how to end, with secrets redacted', () => {
    let out = '';
    const r = new ListReporter({ stream: { write: (t: string) => (out += t) }, isTTY: false, redactor: new Redactor(['hunter2']) });
    r.onEvent({ type: 'run-begin', run: { runId: 'r', scenario: 'blog-xps13', guest: 'debian', profile: 'p', kernel: 'k', outputDir: '/o' }, accel: 'tcg', accelNote: '', at: 0 });
    r.onEvent({ type: 'debug-access', runId: 'r', phase: 'first-boot', reason: 'first-boot failed: typed hunter2', user: 'root', lines: [{ label: 'ssh', command: 'ssh -i /w/k root@127.0.0.1' }, { label: 'serial', command: 'socat - UNIX-CONNECT:/w/s' }], at: 1 });
    expect(out).toContain('[blog-xps13/debian] ⏸ paused (first-boot failed: typed [redacted]): the guest is still running');
    expect(out).toMatch(/\[blog-xps13\/debian\] {3}ssh {5}ssh -i \/w\/k root@127\.0\.0\.1/);
    expect(out).toContain('Ctrl-C ends the run');
    expect(out).not.toContain('hunter2');
  });
});
