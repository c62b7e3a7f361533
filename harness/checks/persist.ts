/** Did the opted-in state survive? Canaries, machine-id, the journal's past boots, NetworkManager. */
import { fail, look, pass, readFiles, skip, type Check } from './check.ts';
import { parseListBoots } from './parse.ts';

export const persistFiles: Check = {
  id: 'persist.files',
  holds: 'files written under /persist, /home and /var/log before reboot are there after',
  async run(ctx) {
    const kept = [...(ctx.facts.canaries ?? []).filter((c) => c.expect === 'kept').map((c) => c.path)];
    if (!kept.length || !ctx.facts.canaryToken) return fail('no canary was written before the reboot');
    const service = ctx.facts.serviceFiles ?? [];
    const seen = await readFiles(ctx, [...kept, ...service]);
    const bad: string[] = [];
    for (const path of kept) {
      const f = seen.get(path)!;
      if (!f.exists) bad.push(`${path} is missing`);
      else if (f.text.trim() !== ctx.facts.canaryToken) bad.push(`${path} has other content`);
    }
    for (const path of service) {
      const f = seen.get(path)!;
      if (!f.exists || !f.text) bad.push(`${path} (service state) is missing`);
    }
    return bad.length ? fail(bad.join('; ')) : pass(`kept: ${[...kept, ...(ctx.facts.serviceFiles ?? [])].join(', ')}`);
  },
};

export const machineId: Check = {
  id: 'persist.machine-id',
  holds: '/etc/machine-id is the same before and after reboot',
  async run(ctx) {
    if (!ctx.facts.machineId) return fail('machine-id was not recorded before the reboot');
    const now = (await look(ctx, 'cat /etc/machine-id')).out.trim();
    return now === ctx.facts.machineId ? pass(`machine-id ${now}`) : fail(`machine-id was ${ctx.facts.machineId}, is now ${now || '(none)'}`);
  },
};

export const journalBoots: Check = {
  id: 'persist.journal-boots',
  holds: '`journalctl --list-boots` shows the earlier boots',
  async run(ctx) {
    const r = await look(ctx, 'journalctl --list-boots --no-pager');
    const boots = parseListBoots(r.out);
    if (!ctx.facts.bootId) return fail('the boot id before the reboot was not recorded');
    return boots.includes(ctx.facts.bootId)
      ? pass(`${boots.length} boots listed, including the one before the reboot (${ctx.facts.bootId})`)
      : fail(`the boot before the reboot (${ctx.facts.bootId}) is not in journalctl --list-boots (${boots.length} listed)`);
  },
};

export const networkManager: Check = {
  id: 'persist.networkmanager',
  holds: "NetworkManager's connections and secret_key survived",
  async run(ctx) {
    const problems: string[] = [];
    const conns = (await look(ctx, 'ls /etc/NetworkManager/system-connections/')).out.split('\n').filter(Boolean).sort();
    const before = ctx.facts.nmConnections ?? [];
    if (!before.length) return skip('there were no NetworkManager connections before the reboot');
    const lost = before.filter((c) => !conns.includes(c));
    if (lost.length) problems.push(`connections lost: ${lost.join(', ')}`);
    const key = await look(ctx, 'sha256sum < /var/lib/NetworkManager/secret_key');
    const sha = key.ok ? key.out.split(/\s+/)[0] : undefined;
    if (!ctx.facts.nmSecretKeySha) problems.push('secret_key did not exist before the reboot');
    else if (sha !== ctx.facts.nmSecretKeySha) problems.push(sha ? 'secret_key changed (a new one was generated)' : 'secret_key is missing');
    return problems.length ? fail(problems.join('; ')) : pass(`connections ${conns.join(', ')}; secret_key unchanged`);
  },
};
