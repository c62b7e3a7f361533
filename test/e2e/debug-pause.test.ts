/**
 * `darlings run --pause-before checks` (issue 18): the run stops before the checks with the guest
 * running and prints how to reach it; a second process connects with the printed ssh command and
 * runs a command in the guest; Ctrl-C then ends the run, with no QEMU left and no secret printed.
 * Then `darlings boot <scenario>@first-boot` (its checkpoint is the one the paused run started
 * from): a fresh overlay booted, unlocked, and an ssh session whose commands come on stdin; and
 * Ctrl-C while it boots, which leaves no VM and no overlay.
 */
import { describe, expect, it } from 'vitest';
import { access, readFile, stat } from 'node:fs/promises';
import { execa, execaSync } from 'execa';
import { BIN, outputDir, readResults } from './support/run-cli.ts';
import { pollUntil } from '../../harness/util/poll.ts';
import { expandPlans, loadScenario } from '../../harness/scenario/index.ts';

const SCENARIO = 'scenarios/blog-xps13-from-first-boot.yaml';

function qemuPids(): number[] {
  const r = execaSync('pgrep', ['-f', 'qemu-system.*darlings-blog-xps13-from-first-boot-'], { reject: false });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

/** QEMUs of `darlings shell`/`boot` sessions (their work folder is darlings-shell-*). */
function shellPids(): number[] {
  return execaSync('pgrep', ['-f', 'qemu-system.*darlings-shell-'], { reject: false }).stdout.split('\n').filter(Boolean).map(Number);
}

describe('pausing a run for a person', () => {
  it('before checks: the printed ssh command reaches the guest; Ctrl-C ends the run with no QEMU left', async () => {
    const out = await outputDir('pause');
    const child = execa(process.execPath, [BIN, 'run', SCENARIO, '--guest', 'debian', '--output', out, '--pause-before', 'checks', '--reporter', 'list,json', '--timeout-scale', '2'], {
      reject: false,
      all: true,
      env: { CI: 'true' },
      forceKillAfterDelay: 30_000,
    });
    let log = '';
    child.all?.on('data', (d: Buffer) => (log += d.toString()));
    const ssh = await pollUntil(() => /^\S+\s+ssh\s+(ssh -i .+)$/m.exec(log)?.[1], { timeoutMs: 12 * 60_000, intervalMs: 500, what: 'the printed ssh command', lastSeen: () => log.slice(-2000) });
    expect(log).toMatch(/paused \(before checks\): the guest is still running/);
    expect(log).toMatch(/serial +socat -,raw,echo=0,escape=0x1d UNIX-CONNECT:\S+serial-\d+\.sock/);
    expect(log).toMatch(/qmp +socat - UNIX-CONNECT:\S+qmp-\d+\.sock/);
    const keyFile = /-i (\S+)/.exec(ssh)![1]!;
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const pids = qemuPids();
    expect(pids.length).toBe(1);

    // A second process, as a person would paste it: the command after the printed line.
    const inGuest = await execa('sh', ['-c', `${ssh} 'findmnt -no SOURCE / && cat /etc/hostname'`], { reject: false, timeout: 120_000, stdin: 'ignore' });
    expect(inGuest.exitCode, `${inGuest.stdout}\n${inGuest.stderr}`).toBe(0);
    expect(inGuest.stdout).toMatch(/\/dev\/mapper\/enc\[\/root\]/);

    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(qemuPids().filter((p) => pids.includes(p))).toEqual([]);
    await expect(access(keyFile)).rejects.toThrow();
    const results = await readResults(out);
    expect(results.status).toBe('error');
    expect(results.phases.at(-1)).toMatchObject({ name: 'checks', status: 'error' });
    expect(results.phases.at(-1)?.error).toMatch(/interrupted by SIGINT/);
    expect(results.checks.every((c) => c.status === 'skipped')).toBe(true);
    for (const file of [SCENARIO, 'scenarios/blog-xps13.yaml']) for (const plan of expandPlans(await loadScenario(file), { guest: 'debian' })) for (const secret of plan.secrets) expect(log).not.toContain(secret);
  }, 20 * 60_000);

  it('darlings boot: a checkpoint booted on an overlay, unlocked, the ssh session gets stdin; it ends with the VM gone', async () => {
    const before = shellPids();
    const r = await execa(process.execPath, [BIN, 'boot', 'blog-xps13@first-boot', '--guest', 'debian'], {
      reject: false,
      all: true,
      env: { CI: 'true' },
      input: 'findmnt -no SOURCE /\ncat /persist/darlings-canary\nexit 7\n',
      timeout: 10 * 60_000,
    });
    const log = r.all ?? '';
    // The session's exit code is the shell's; the guest saw the checkpoint's disk, unlocked.
    expect(r.exitCode, log).toBe(7);
    expect(log).toMatch(/booting blog-xps13\/debian on an overlay of \S+checkpoints\/blog-xps13-first-boot-/);
    expect(log).toMatch(/\/dev\/mapper\/enc\[\/root\]/);
    expect(log).toMatch(/^[0-9a-f]{16}$/m);
    expect(log).toMatch(/stopped the VM and removed its overlay/);
    expect(shellPids().filter((p) => !before.includes(p))).toEqual([]);
    for (const plan of expandPlans(await loadScenario('scenarios/blog-xps13.yaml'), { guest: 'debian' })) for (const secret of plan.secrets) expect(log).not.toContain(secret);
  }, 12 * 60_000);

  it('darlings boot: Ctrl-C while it boots stops the VM, removes the overlay and exits 130', async () => {
    const before = shellPids();
    const child = execa(process.execPath, [BIN, 'boot', 'blog-xps13@first-boot', '--guest', 'debian'], { reject: false, all: true, env: { CI: 'true' }, stdin: 'ignore', forceKillAfterDelay: 30_000 });
    let log = '';
    child.all?.on('data', (d: Buffer) => (log += d.toString()));
    const pid = await pollUntil(() => shellPids().find((p) => !before.includes(p)), { timeoutMs: 5 * 60_000, intervalMs: 500, what: "the session's QEMU", lastSeen: () => log.slice(-2000) });
    // The session's work folder (its overlay disk, sockets) is in QEMU's command line.
    const overlay = /[^\0,=]*darlings-shell-\w+/.exec(await readFile(`/proc/${pid}/cmdline`, 'utf8'))?.[0];
    expect(overlay, log).toBeDefined();
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, log).toBe(130);
    expect(log).toMatch(/stopped the VM and removed its overlay/);
    expect(shellPids()).not.toContain(pid);
    await expect(access(overlay!)).rejects.toThrow();
  }, 8 * 60_000);
});
