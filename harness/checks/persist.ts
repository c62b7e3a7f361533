/** Did the opted-in state survive? Canaries and service state, machine-id, the journal's past boots. */
import { fail, lookAll, pass, readFiles, type Check, type Looked, type SeenFile } from './check.ts';
import { parseListBoots } from './parse.ts';

export const persistFiles: Check<Record<string, SeenFile>> = {
  id: 'persist.files',
  holds: 'files written under /persist, /home and /var/log before reboot are there after',
  async gather(ctx) {
    const kept = (ctx.facts.canaries ?? []).filter((c) => c.expect === 'kept').map((c) => c.path);
    return readFiles(ctx, [...kept, ...(ctx.facts.serviceFiles ?? [])]);
  },
  judge(seen, { facts }) {
    const kept = (facts.canaries ?? []).filter((c) => c.expect === 'kept').map((c) => c.path);
    if (!kept.length || !facts.canaryToken) return fail('no canary was written before the reboot');
    const service = facts.serviceFiles ?? [];
    const bad: string[] = [];
    for (const path of kept) {
      const f = seen[path];
      if (!f) bad.push(`${path} was not looked at`);
      else if (!f.exists) bad.push(`${path} is missing`);
      else if (f.text.trim() !== facts.canaryToken) bad.push(`${path} has other content`);
    }
    for (const path of service) {
      const f = seen[path];
      if (!f?.exists || !f.text) bad.push(`${path} (service state) is missing`);
    }
    return bad.length ? fail(bad.join('; ')) : pass(`kept: ${[...kept, ...service].join(', ')}`);
  },
  see: (plan) => [`cat /persist/darlings-canary /home/${plan.user.name}/darlings-canary /var/log/darlings-canary`],
};

export const machineId: Check<Looked, Looked> = {
  id: 'persist.machine-id',
  holds: '/etc/machine-id is the same before and after reboot',
  before: async (ctx) => (await lookAll(ctx, { id: 'cat /etc/machine-id' })).id,
  gather: async (ctx) => (await lookAll(ctx, { id: 'cat /etc/machine-id' })).id,
  judge(now, { before }) {
    const was = before?.status === 0 ? before.out.trim() : '';
    if (!was) return fail(`machine-id was not recorded before the reboot${before ? ` (cat said: ${before.out.trim() || 'nothing'})` : ''}`);
    const is = now.status === 0 ? now.out.trim() : '';
    return is === was ? pass(`machine-id ${is}`) : fail(`machine-id was ${was}, is now ${is || `(none: ${now.out.trim()})`}`);
  },
  see: () => ['cat /etc/machine-id'],
};

export const journalBoots: Check<Looked, Looked> = {
  id: 'persist.journal-boots',
  holds: '`journalctl --list-boots` shows the earlier boots',
  before: async (ctx) => (await lookAll(ctx, { id: 'cat /proc/sys/kernel/random/boot_id' })).id,
  gather: async (ctx) => (await lookAll(ctx, { boots: 'journalctl --list-boots --no-pager' })).boots,
  judge(list, { before }) {
    const bootId = before?.status === 0 ? before.out.trim().replace(/-/g, '') : '';
    if (!bootId) return fail('the boot id before the reboot was not recorded');
    if (list.status !== 0) return fail(`journalctl --list-boots failed (exit ${list.status}): ${list.out.trim()}`);
    const boots = parseListBoots(list.out);
    return boots.includes(bootId)
      ? pass(`${boots.length} boots listed, including the one before the reboot (${bootId})`)
      : fail(`the boot before the reboot (${bootId}) is not in journalctl --list-boots (${boots.length} listed)`);
  },
  see: () => ['journalctl --list-boots'],
};
