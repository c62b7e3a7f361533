/**
 * On the first boot of the installed system, in the blog's order: the state a person makes by
 * using the system (a saved network, services' state), then the opt-in configuration
 * (`nixos-rebuild boot`), then the blog's copies into /persist (persist-commands.ts); then the
 * canaries. What the checks compare against after the reboot, they record themselves (their
 * `before`, harness/runner/run-checks.ts recordBefore). Every command's status is checked; where
 * one is not, a comment says why.
 */
import { randomBytes } from 'node:crypto';
import { shQuote } from '../util/shell.ts';
import { untilSucceeds } from '../channels/shell.ts';
import { runPersistCommands, type ProcedureCommand } from './persist-commands.ts';
import type { Plan } from '../scenario/plan.ts';
import type { Facts, StepContext } from './context.ts';

const NM_CONNECTION = 'darlings-wired';
const NM_JOINED_ONCE = 'darlings-joined-once';

/** A NetworkManager keyfile, like the ones a person's Wi-Fi networks leave behind. */
export function nmKeyfile(uuid: string): string {
  return `[connection]\nid=${NM_CONNECTION}\nuuid=${uuid}\ntype=ethernet\nautoconnect=true\n\n[ethernet]\n\n[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=ignore\n`;
}

/**
 * A network joined once and out of reach since, like a café's Wi-Fi: a dummy interface (QEMU has
 * no Wi-Fi, and the real NIC carries the SSH session), never joined on its own (autoconnect off).
 * Joining it makes NetworkManager write its timestamp; since nothing joins it after the reboot,
 * only the persisted timestamps file can still hold that entry (an activated connection gets a
 * fresh one at every boot, which would show nothing).
 */
export function nmJoinedOnceKeyfile(uuid: string): string {
  return `[connection]\nid=${NM_JOINED_ONCE}\nuuid=${uuid}\ntype=dummy\ninterface-name=darlings0\nautoconnect=false\n\n[ipv4]\nmethod=manual\naddress1=192.0.2.1/24\n\n[ipv6]\nmethod=ignore\n`;
}

/** The canary paths: one in / (must vanish) and one in each opted-in place (must stay). */
export function canaryPaths(user: string): { path: string; expect: 'gone' | 'kept' }[] {
  return [
    { path: '/darlings-canary', expect: 'gone' },
    { path: '/etc/darlings-canary', expect: 'gone' },
    { path: '/persist/darlings-canary', expect: 'kept' },
    { path: `/home/${user}/darlings-canary`, expect: 'kept' },
    { path: '/var/log/darlings-canary', expect: 'kept' },
  ];
}

/**
 * The blog's `passwd delta`, typed as root on the first boot. chpasswd sets the same
 * /etc/shadow entry without a prompt: the password travels on stdin as `user:password`.
 */
export function passwordCommand(plan: Pick<Plan, 'user'>): ProcedureCommand {
  return {
    phase: 'first-boot',
    name: `passwd ${plan.user.name}`,
    command: 'chpasswd',
    stdin: { secret: 'password' },
    note: `the blog types the password at passwd's prompt; chpasswd reads "${plan.user.name}:<password>" on stdin and writes the same /etc/shadow entry`,
  };
}

/** `user.passwordVia: passwd`: set the password on the booted system, before the user logs in. */
export async function setPasswordWithPasswd(ctx: StepContext): Promise<void> {
  const c = passwordCommand(ctx.plan);
  await ctx.step(c.name, () => ctx.shell.expectSuccess(c.command, { stdin: `${ctx.plan.user.name}:${ctx.plan.user.password}\n`, timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal }));
}

/**
 * Where a service's state file goes. On debian no daemon runs and the files stand in for its
 * state; on nixos the daemon's own files are there, so ours go beside them, in a folder of
 * their own the daemon does not use.
 */
export function serviceFilePath(guest: Plan['guest'], statePath: string, file: string): string {
  return guest === 'nixos' ? `${statePath}/darlings-state/${file}` : `${statePath}/${file}`;
}

export async function persistOnFirstBoot(ctx: StepContext): Promise<Pick<Facts, 'persistCommands' | 'persisted'>> {
  const run = (cmd: string) => ctx.shell.expectSuccess(cmd, { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal });
  await ctx.step('wait for NetworkManager', () =>
    untilSucceeds(ctx.shell, 'systemctl is-active -q NetworkManager && [ -e /var/lib/NetworkManager/secret_key ]', {
      timeoutMs: ctx.plan.timeouts.commandMs,
      intervalMs: 1000,
      what: 'NetworkManager to run and write its secret_key',
      signal: ctx.signal,
    }),
  );
  // Saved networks, as a person's Wi-Fi connections are (QEMU has no Wi-Fi to join).
  const onceUuid = await ctx.step('save NetworkManager connections', async () => {
    const [uuid, once] = (await run('cat /proc/sys/kernel/random/uuid /proc/sys/kernel/random/uuid')).trim().split('\n');
    await ctx.shell.upload(`/etc/NetworkManager/system-connections/${NM_CONNECTION}.nmconnection`, nmKeyfile(uuid!), 0o600);
    await ctx.shell.upload(`/etc/NetworkManager/system-connections/${NM_JOINED_ONCE}.nmconnection`, nmJoinedOnceKeyfile(once!), 0o600);
    await run('nmcli connection reload');
    return once!;
  });
  await ctx.step(`join ${NM_JOINED_ONCE} once (NetworkManager writes its timestamp)`, async () => {
    await run(`nmcli connection up ${NM_JOINED_ONCE}`);
    await untilSucceeds(ctx.shell, `grep -q '^${onceUuid}=' /var/lib/NetworkManager/timestamps`, {
      timeoutMs: ctx.plan.timeouts.commandMs,
      intervalMs: 1000,
      what: `NetworkManager to write ${NM_JOINED_ONCE}'s timestamp`,
      signal: ctx.signal,
    });
  });
  for (const state of ctx.plan.serviceState) {
    await ctx.step(`service state in ${state.path}`, async () => {
      for (const f of state.files) {
        const path = shQuote(serviceFilePath(ctx.plan.guest, state.path, f));
        // set -C (noclobber): never over a file that is there already (a daemon's own).
        await run(`mkdir -p "$(dirname ${path})" && set -C && head -c 4096 /dev/urandom | sha256sum > ${path}`);
      }
    });
  }
  await ctx.step(`apply the opt-in configuration (${ctx.plan.guest === 'nixos' ? 'nixos-rebuild boot' : "the stand-in's nixos-rebuild boot"})`, () =>
    ctx.driver.applyOptIn(ctx.shell, ctx.plan, ctx.signal),
  );
  const outcomes = await ctx.step('copy state into /persist (the blog\'s commands)', () => runPersistCommands(ctx));
  return { persistCommands: outcomes, persisted: outcomes.filter((o) => o.exitCode === 0).map((o) => o.name) };
}

export async function writeCanaries(ctx: StepContext): Promise<Pick<Facts, 'canaryToken' | 'canaries' | 'serviceFiles'>> {
  const run = (cmd: string) => ctx.shell.expectSuccess(cmd, { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal });
  const token = randomBytes(8).toString('hex');
  const canaries = [...canaryPaths(ctx.plan.user.name), ...ctx.plan.canaries.extra];
  await ctx.step('write canaries', async () => {
    for (const c of canaries) await run(`mkdir -p "$(dirname ${shQuote(c.path)})" && echo ${token} > ${shQuote(c.path)}`);
  });
  await run('sync');
  return { canaryToken: token, canaries, serviceFiles: ctx.plan.serviceState.flatMap((s) => s.files.map((f) => serviceFilePath(ctx.plan.guest, s.path, f))) };
}
