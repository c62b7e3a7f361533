/**
 * Did the rollback happen? The blog's own test (no blank snapshot inside the root subvolume), a
 * canary written under / before the reboot, and the stage-1 lines of every boot.
 */
import { shQuote } from '../util/shell.ts';
import { fail, lookAll, pass, readFiles, rootSubvolume, some, type Check, type Looked, type SeenFile } from './check.ts';
import { parseSubvolumeList } from './parse.ts';

export const blankNotNested: Check<{ nested: Looked; rootThere: Looked; list: Looked }> = {
  id: 'rollback.blank-not-nested',
  holds: "no blank snapshot inside the root subvolume (the blog's own test)",
  async gather(ctx) {
    const root = rootSubvolume(ctx.plan) ?? '';
    const blank = ctx.plan.btrfs.blankSnapshot;
    return lookAll(ctx, {
      nested: `test -e ${shQuote(`${ctx.top}/${root}/${blank}`)}`,
      rootThere: `test -d ${shQuote(`${ctx.top}/${root}`)}`,
      list: `btrfs subvolume list ${shQuote(ctx.top)}`,
    });
  },
  judge(g, { plan }) {
    const root = rootSubvolume(plan);
    const blank = plan.btrfs.blankSnapshot;
    if (!root) return fail('the plan mounts no subvolume at /, so there is no root subvolume to look inside');
    if (g.list.status !== 0) return fail(`btrfs subvolume list failed (exit ${g.list.status}): ${g.list.out}`);
    const paths = parseSubvolumeList(g.list.out);
    // A look inside a path that does not exist would always pass: the root must be there first.
    if (g.rootThere.status !== 0 || !paths.includes(root)) return fail(`the root subvolume ${root} is not on the volume (subvolumes: ${some(paths)})`);
    const nestedInList = paths.filter((p) => p === `${root}/${blank}` || p.endsWith(`/${root}/${blank}`));
    if (g.nested.status === 0 || nestedInList.length)
      return fail(`${root}/${blank} exists: deleting the old root failed, so the snapshot was made inside it (subvolumes: ${some(paths)})`);
    return pass(`${blank} is not inside ${root} (subvolumes: ${some(paths)})`);
  },
  see: (plan) => ['sudo mount -o subvol=/ /dev/mapper/' + plan.luks.mapping + ' /mnt', `sudo btrfs subvolume list /mnt`, `ls -d /mnt/${rootSubvolume(plan)}/${plan.btrfs.blankSnapshot}`],
};

export const canaryGone: Check<Record<string, SeenFile>> = {
  id: 'rollback.canary-gone',
  holds: 'a file written under / before reboot is gone after it',
  async gather(ctx) {
    return readFiles(ctx, (ctx.facts.canaries ?? []).filter((c) => c.expect === 'gone').map((c) => c.path));
  },
  judge(seen, { facts }) {
    const gone = (facts.canaries ?? []).filter((c) => c.expect === 'gone');
    if (!gone.length) return fail('no canary was written under / before the reboot');
    const unseen = gone.filter((c) => !seen[c.path]).map((c) => c.path);
    if (unseen.length) return fail(`not looked at after the reboot: ${unseen.join(', ')}`);
    const survived = gone.filter((c) => seen[c.path]!.exists).map((c) => c.path);
    return survived.length
      ? fail(`still there after the reboot: ${survived.join(', ')} (the root subvolume was not rolled back)`)
      : pass(`gone: ${gone.map((c) => c.path).join(', ')}`);
  },
  see: () => ['ls -l /darlings-canary /etc/darlings-canary'],
};

/** The markers of interface 2 (docs/guest-contract.md), both guests, both stage-1 forms. */
export const ROLLBACK_BEGIN_LINE = 'darlings-initrd: rollback begin';
export const ROLLBACK_END_LINE = /darlings-initrd: rollback end(?: status=(\d+))?/;

export interface RollbackRun {
  boot: number;
  /** False for the first boot: its system does not have the rollback yet (the blog adds it then). */
  optedIn: boolean;
  began: boolean;
  ended: boolean;
  /** The script's exit status from the end line; undefined when the line carries none. */
  status?: number;
  /** What the script printed between the markers. */
  output: string[];
}

/** What stage 1 printed about the rollback in one boot's serial text. */
export function rollbackRun(boot: number, text: string, optedIn = true): RollbackRun {
  const lines = text.replace(/\r/g, '').split('\n');
  const b = lines.findIndex((l) => l.includes(ROLLBACK_BEGIN_LINE));
  const e = lines.findIndex((l, i) => i > b && b >= 0 && ROLLBACK_END_LINE.test(l));
  const end = e >= 0 ? ROLLBACK_END_LINE.exec(lines[e]!) : null;
  const status = end?.[1];
  return {
    boot,
    optedIn,
    began: b >= 0,
    ended: e >= 0,
    ...(status !== undefined && { status: Number(status) }),
    output: b >= 0 ? lines.slice(b + 1, e >= 0 ? e : undefined).map((l) => l.trim()).filter(Boolean).slice(0, 40) : [],
  };
}

export const rollbackRan: Check<RollbackRun[]> = {
  id: 'rollback.ran',
  holds: 'in every boot whose system has the opt-in configuration, stage 1 ran the rollback and it exited 0',
  async gather(ctx) {
    return (ctx.facts.stage1 ?? []).map((s) => rollbackRun(s.boot, s.text, s.optedIn ?? true));
  },
  judge(runs) {
    if (!runs.length) return fail('no stage-1 text was recorded for any boot of the installed system');
    const judged = runs.filter((r) => r.optedIn !== false);
    if (!judged.length) return fail(`no boot had the opt-in configuration with its rollback (boots ${runs.map((r) => r.boot).join(', ')} all came before it)`);
    const bad: string[] = [];
    // The first boot runs the install's minimal system: a rollback there would be a surprise, its absence is the blog's order.
    const early = runs.filter((r) => r.optedIn === false).map((r) => `boot ${r.boot}: before the opt-in configuration, ${r.began ? 'yet a rollback ran' : 'no rollback yet'}`);
    for (const r of judged) {
      const said = r.output.length ? `; it printed: ${r.output.slice(-6).join(' | ')}` : '';
      // The boot's stage-1 text starts at the passphrase prompt: a rollback that ran before it ran too early.
      if (!r.began) bad.push(`boot ${r.boot}: no rollback ran (no "${ROLLBACK_BEGIN_LINE}" between the passphrase prompt and the login prompt)`);
      else if (!r.ended) bad.push(`boot ${r.boot}: the rollback began but never ended${said}`);
      else if (r.status === undefined) bad.push(`boot ${r.boot}: the end line carries no status=, so the script's exit status is unknown${said}`);
      else if (r.status !== 0) bad.push(`boot ${r.boot}: the rollback script exited ${r.status}${said}`);
    }
    return bad.length ? fail(bad.join('; ')) : pass([...early, ...judged.map((r) => `boot ${r.boot}: after the passphrase prompt, exit 0 (${r.output.length} line(s))`)].join('; '));
  },
  see: () => ['journalctl -b -o cat | grep -A20 "rollback begin"   # or the serial console of the boot'],
};
