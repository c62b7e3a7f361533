/**
 * PROVISIONAL. The copies into /persist as the harness makes them today (install.ts's persist
 * phase, state.ts's first-boot copies), described as runbook steps. Issue 13's procedure side
 * owns these commands and is rewriting them as the blog's copies in the ProcedureCommand shape;
 * when that lands, build.ts prints theirs and this file goes. Every step here says it is provisional, and
 * the ssh.log test holds these strings to what the harness really sent.
 */
import { shQuote as q } from '../util/shell.ts';
import type { GuestDriver } from '../guests/guest.ts';
import type { Plan } from '../scenario/plan.ts';
import { persistPairs } from '../procedure/persist-pairs.ts';
import type { RunbookStep } from './model.ts';

const PROVISIONAL = 'provisional: what the harness does today, being replaced by the blog\'s own copy commands';

/** Before the first boot, on the installer: copy what exists along the plan's (live, kept) pairs. */
export function persistOnInstallerToday(plan: Plan, driver: GuestDriver): RunbookStep[] {
  const pairs = persistPairs(plan.persist, (n) => driver.etcEntry(n));
  const steps: RunbookStep[] = pairs.map((pair) => {
    const live = `/mnt${pair.live}`;
    const kept = `/mnt${pair.kept}`;
    const parent = kept.replace(/\/[^/]+$/, '');
    return {
      id: '', phase: 'persist', title: `copy ${pair.live} into ${pair.kept} if the install made it`, sent: 'always', provisional: true,
      command: `if [ -e ${q(live)} ] && [ ! -L ${q(live)} ]; then mkdir -p ${q(parent)} && cp -a ${q(live)} ${q(kept)} && echo copied; ` +
        `else mkdir -p ${q(parent)} && echo absent; fi`,
      note: `${PROVISIONAL}; its exit status is not checked today`,
    };
  });
  const machineId = pairs.find((p) => p.live === '/etc/machine-id');
  if (machineId) {
    steps.push({
      id: '', phase: 'persist', title: 'make a machine-id', sent: 'if', provisional: true,
      command: `tr -d '-' < /proc/sys/kernel/random/uuid > ${q(`/mnt${machineId.kept}`)}`,
      note: `${PROVISIONAL}; only when the install made no /etc/machine-id (the blog makes none; this step is being removed)`,
    });
  }
  const conns = pairs.find((p) => p.live === '/etc/NetworkManager/system-connections');
  if (conns) {
    steps.push({
      id: '', phase: 'persist', title: 'the NetworkManager connections folder', sent: 'always', provisional: true,
      command: `mkdir -p ${q(`/mnt${conns.kept}`)} && chmod 700 ${q(`/mnt${conns.kept}`)}`,
      note: `${PROVISIONAL}; NetworkManager saves into it through the link`,
    });
  }
  steps.push({ id: '', phase: 'persist', title: 'sync', command: 'sync', sent: 'always', provisional: true, note: PROVISIONAL });
  return steps;
}

/** On the first boot: copy what the running system made and the plan keeps, as the blog does by hand. */
export function persistOnFirstBootToday(plan: Plan, driver: GuestDriver): RunbookStep[] {
  return persistPairs(plan.persist, (n) => driver.etcEntry(n)).map((pair) => ({
    id: '', phase: 'first-boot-state', title: `copy ${pair.live} into ${pair.kept} if it is there and not kept yet`, sent: 'always', provisional: true,
    command: `l=${q(pair.live)}; k=${q(pair.kept)}; if [ -e "$l" ] && [ ! -L "$l" ] && [ ! -e "$k" ]; then mkdir -p "$(dirname "$k")" && cp -a "$l" "$k" && echo copied; fi; true`,
    note: PROVISIONAL,
  }));
}
