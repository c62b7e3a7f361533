/** Did the rollback happen? The blog's own test, and a canary written under / before the reboot. */
import { shQuote } from '../util/shell.ts';
import { fail, look, pass, readFiles, type Check } from './check.ts';
import { parseSubvolumeList } from './parse.ts';

export const blankNotNested: Check = {
  id: 'rollback.blank-not-nested',
  holds: 'no root-blank inside the root subvolume (the blog\'s own test)',
  async run(ctx) {
    const blank = ctx.plan.btrfs.blankSnapshot;
    const nested = await look(ctx, `test -e ${shQuote(`${ctx.top}/root/${blank}`)}`);
    const list = await look(ctx, `btrfs subvolume list ${shQuote(ctx.top)}`);
    const paths = parseSubvolumeList(list.out);
    const nestedInList = paths.filter((p) => p === `root/${blank}` || p.endsWith(`/root/${blank}`));
    if (nested.ok || nestedInList.length)
      return fail(`${ctx.top}/root/${blank} exists: deleting the old root failed, so the snapshot was made inside it (subvolumes: ${paths.join(', ')})`);
    return pass(`${blank} is not inside root (subvolumes: ${paths.join(', ')})`);
  },
};

export const canaryGone: Check = {
  id: 'rollback.canary-gone',
  holds: 'a file written under / before reboot is gone after it',
  async run(ctx) {
    const gone = (ctx.facts.canaries ?? []).filter((c) => c.expect === 'gone');
    if (!gone.length) return fail('no canary was written under / before the reboot');
    const seen = await readFiles(ctx, gone.map((c) => c.path));
    const survived = gone.filter((c) => seen.get(c.path)?.exists).map((c) => c.path);
    return survived.length
      ? fail(`still there after the reboot: ${survived.join(', ')} (the root subvolume was not rolled back)`)
      : pass(`gone: ${gone.map((c) => c.path).join(', ')}`);
  },
};
