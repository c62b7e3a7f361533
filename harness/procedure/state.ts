/**
 * On the first boot of the installed system: finish persisting the state the blog copies by
 * hand once the system has run (NetworkManager's files), stand in for services' state, write
 * the canaries. What the checks compare against after the reboot, they record themselves
 * (their `before`, harness/runner/run-checks.ts recordBefore).
 */
import { randomBytes } from 'node:crypto';
import { shQuote } from '../util/shell.ts';
import { untilSucceeds } from '../channels/shell.ts';
import { persistPairs } from './persist-pairs.ts';
import type { StepContext } from './context.ts';

const NM_CONNECTION = 'darlings-wired';

/** A NetworkManager keyfile, like the ones a person's Wi-Fi networks leave behind. */
export function nmKeyfile(uuid: string): string {
  return `[connection]\nid=${NM_CONNECTION}\nuuid=${uuid}\ntype=ethernet\nautoconnect=true\n\n[ethernet]\n\n[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=ignore\n`;
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

export async function persistOnFirstBoot(ctx: StepContext): Promise<void> {
  const run = (cmd: string) => ctx.shell.expectSuccess(cmd, { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal });
  await ctx.step('wait for NetworkManager', () =>
    untilSucceeds(ctx.shell, 'systemctl is-active -q NetworkManager && [ -e /var/lib/NetworkManager/secret_key ]', {
      timeoutMs: ctx.plan.timeouts.commandMs,
      intervalMs: 1000,
      what: 'NetworkManager to run and write its secret_key',
      signal: ctx.signal,
    }),
  );
  await ctx.step('save a NetworkManager connection', async () => {
    const uuid = (await run('cat /proc/sys/kernel/random/uuid')).trim();
    await ctx.shell.upload(`/etc/NetworkManager/system-connections/${NM_CONNECTION}.nmconnection`, nmKeyfile(uuid), 0o600);
    await ctx.shell.run('nmcli connection reload', { timeoutMs: ctx.plan.timeouts.commandMs });
  });
  for (const state of ctx.plan.serviceState) {
    await ctx.step(`service state in ${state.path}`, async () => {
      // A service would create its folder; through a dangling L link that means its target.
      await run(`p=${shQuote(state.path)}; if [ -L "$p" ]; then mkdir -p "$(readlink "$p")"; else mkdir -p "$p"; fi`);
      for (const f of state.files) {
        const path = shQuote(`${state.path}/${f}`);
        await run(`mkdir -p "$(dirname ${path})" && head -c 4096 /dev/urandom | sha256sum > ${path}`);
      }
    });
  }
  const copied: string[] = [];
  await ctx.step('copy state into /persist (the blog, after the first boot)', async () => {
    for (const pair of persistPairs(ctx.plan.persist, (n) => ctx.driver.etcEntry(n))) {
      const out = await run(
        `l=${shQuote(pair.live)}; k=${shQuote(pair.kept)}; if [ -e "$l" ] && [ ! -L "$l" ] && [ ! -e "$k" ]; then mkdir -p "$(dirname "$k")" && cp -a "$l" "$k" && echo copied; fi; true`,
      );
      if (out.includes('copied')) copied.push(pair.live);
    }
  });
  ctx.facts.persisted = [...(ctx.facts.persisted ?? []), ...copied];
}

export async function writeCanaries(ctx: StepContext): Promise<void> {
  const run = (cmd: string) => ctx.shell.expectSuccess(cmd, { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal });
  const token = randomBytes(8).toString('hex');
  const canaries = [...canaryPaths(ctx.plan.user.name), ...ctx.plan.canaries.extra];
  await ctx.step('write canaries', async () => {
    for (const c of canaries) await run(`mkdir -p "$(dirname ${shQuote(c.path)})" && echo ${token} > ${shQuote(c.path)}`);
  });
  ctx.facts.canaryToken = token;
  ctx.facts.canaries = canaries;
  ctx.facts.serviceFiles = ctx.plan.serviceState.flatMap((s) => s.files.map((f) => `${s.path}/${f}`));
  await run('sync');
}
