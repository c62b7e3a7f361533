/**
 * `rollback.ordered`: the rollback ran in stage 1 after the LUKS mapping was open and before the
 * root was mounted. systemd stage 1: the unit's ordering keys name the mapping's cryptsetup (or
 * device) unit and sysroot.mount, every device they name exists, and this boot's journal shows
 * the unit start after systemd-cryptsetup@… finished and finish before sysroot.mount began.
 * Scripted stage 1: the console shows the rollback's markers after the last passphrase prompt
 * and before stage 1 hands over. The known mistakes (PITFALLS.md 4) each get their own cause.
 * `rollback.ran` (begin/end/status) is another check; this one is about order only.
 */
import { shQuote } from '../util/shell.ts';
import type { Plan } from '../scenario/plan.ts';
import { cryptsetupUnit, mappingDeviceUnit, rollbackUnit, type RollbackUnitKeys } from '../guests/rollback-unit.ts';
import type { Check, CheckContext, CheckOutcome } from './check.ts';

const fail = (message: string): CheckOutcome => ({ status: 'failed', message });
const pass = (message: string): CheckOutcome => ({ status: 'passed', message });
const skip = (message: string): CheckOutcome => ({ status: 'skipped', message });

/** One journal record about the units the order is judged on. */
export interface UnitEvent {
  unit: string;
  event: 'starting' | 'started' | 'succeeded' | 'failed' | 'output';
  /** Microseconds since this boot began (CLOCK_MONOTONIC, shared by stage 1 and stage 2). */
  usec: number;
  message: string;
}

/** A device unit the ordering keys name, and whether the device it stands for exists. */
export interface NamedDevice {
  unit: string;
  path: string;
  exists: boolean;
}

export interface RollbackOrderGathered {
  initrd: 'scripted' | 'systemd';
  mapping: string;
  /** The rollback unit as generated for the plan; null for `rollback: none`. */
  unit: { name: string; keys: Pick<RollbackUnitKeys, 'after' | 'before' | 'requires' | 'bindsTo'> } | null;
  /** systemd: this boot's journal records of the unit, the cryptsetup unit and sysroot.mount. */
  events?: UnitEvent[];
  devices?: NamedDevice[];
  /** scripted: the serial text of the boot the checks run in. */
  stage1?: { boot: number; text: string };
}

// systemd's catalog ids (sd-messages.h): a job starting, done, failed; a unit that ended well
// ("Deactivated successfully.") or with a failure result.
const MESSAGE_IDS: Record<string, UnitEvent['event']> = {
  '7d4958e842da4a758f6c1cdc7b36dcc5': 'starting',
  '39f53479d3a045ac8e11786248231fbf': 'started',
  be02cf6855d2428ba40df7e9d022f03d: 'failed',
  '7ad2d189f7e94e70a38c781354912448': 'succeeded',
  d9b373ed55a64feb8242e02dbe79a49c: 'failed',
};

/** The journal's JSON lines (`journalctl -o json`) as the events of `units`, in order. */
export function parseUnitEvents(json: string, units: readonly string[], serviceUnit: string): UnitEvent[] {
  const events: UnitEvent[] = [];
  for (const line of json.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const record = JSON.parse(line) as Record<string, unknown>;
    const message = typeof record.MESSAGE === 'string' ? record.MESSAGE : '';
    const usec = Number(record.__MONOTONIC_TIMESTAMP);
    const kind = MESSAGE_IDS[String(record.MESSAGE_ID ?? '')];
    const unit = String(record.UNIT ?? '');
    if (kind && units.includes(unit)) events.push({ unit, event: kind, usec, message });
    else if (!record.MESSAGE_ID && record._SYSTEMD_UNIT === serviceUnit) events.push({ unit: serviceUnit, event: 'output', usec, message });
  }
  return events.sort((a, b) => a.usec - b.usec);
}

/** `UNIT=a UNIT=b … + _SYSTEMD_UNIT=a`: the records of the three units and the unit's own output. */
function journalCommand(units: readonly string[], service: string): string {
  return `journalctl -b -o json --no-pager ${units.map((u) => shQuote(`UNIT=${u}`)).join(' ')} + ${shQuote(`_SYSTEMD_UNIT=${service}`)}`;
}

/** The .device units among the ordering keys, with the path each stands for, checked on the guest. */
function devicesCommand(devices: readonly string[]): string {
  return devices
    .map((d) => `p=$(systemd-escape --unescape --path -- ${shQuote(d.replace(/\.device$/, ''))}); if [ -e "$p" ]; then echo "+ ${d} $p"; else echo "- ${d} $p"; fi`)
    .join('; ');
}

function unitNames(plan: Plan): { service: string; units: string[]; devices: string[] } | null {
  const unit = rollbackUnit(plan);
  if (!unit) return null;
  const service = `${unit.name}.service`;
  const { after, requires, bindsTo } = unit.keys;
  const devices = [...new Set([...after, ...requires, ...bindsTo].filter((u) => u.endsWith('.device')))];
  return { service, units: [service, cryptsetupUnit(plan.luks.mapping), 'sysroot.mount'], devices };
}

/** Guest I/O: the journal and the named devices (systemd), or the recorded console (scripted). */
export async function gatherRollbackOrder(ctx: CheckContext): Promise<RollbackOrderGathered> {
  const { plan } = ctx;
  const unit = rollbackUnit(plan);
  const gathered: RollbackOrderGathered = {
    initrd: plan.initrd,
    mapping: plan.luks.mapping,
    unit: unit && { name: unit.name, keys: { after: unit.keys.after, before: unit.keys.before, requires: unit.keys.requires, bindsTo: unit.keys.bindsTo } },
  };
  const names = unitNames(plan);
  if (plan.initrd === 'scripted' || !names) {
    const boots = ctx.facts.stage1 ?? [];
    const current = boots.find((b) => b.boot === ctx.facts.currentBoot) ?? boots[boots.length - 1];
    if (current) gathered.stage1 = { boot: current.boot, text: current.text };
    return gathered;
  }
  const t = { timeoutMs: ctx.plan.timeouts.commandMs, ...(ctx.signal && { signal: ctx.signal }) };
  const journal = await ctx.shell.run(journalCommand(names.units, names.service), t);
  if (journal.exitCode !== 0) throw new Error(`journalctl for ${names.units.join(', ')} exited ${journal.exitCode}: ${journal.stderr.trim()}`);
  gathered.events = parseUnitEvents(journal.stdout, names.units, names.service);
  gathered.devices = [];
  if (names.devices.length > 0) {
    const seen = await ctx.shell.run(devicesCommand(names.devices), t);
    for (const line of seen.stdout.split('\n')) {
      const m = /^([+-]) (\S+) (.*)$/.exec(line.trim());
      if (m) gathered.devices.push({ unit: m[2]!, path: m[3]!, exists: m[1] === '+' });
    }
  }
  return gathered;
}

const seconds = (usec: number) => `${(usec / 1e6).toFixed(2)} s`;

/** A unit name the way Nix leaves `"…\x2d…"` (backslash dropped): `x2d` with no `\` before it. */
function lostEscape(name: string, expected: readonly string[]): string | undefined {
  return expected.find((want) => want.includes('\\x') && want.replace(/\\x/g, 'x') === name);
}

/** Why the keys do not order the unit after the unlock and before the root mount (empty: they do). */
function keyProblems(g: RollbackOrderGathered & { unit: NonNullable<RollbackOrderGathered['unit']> }): string[] {
  const unlock = [cryptsetupUnit(g.mapping), mappingDeviceUnit(g.mapping)];
  const { after, before, requires, bindsTo } = g.unit.keys;
  const service = `${g.unit.name}.service`;
  const problems: string[] = [];
  if (!after.some((u) => unlock.includes(u))) {
    const named = [...after, ...requires, ...bindsTo];
    const mangled = named.map((u) => [u, lostEscape(u, unlock)] as const).find(([, want]) => want !== undefined);
    const missing = (g.devices ?? []).find((d) => !d.exists);
    if (mangled) {
      problems.push(
        `${service} is ordered on \`${mangled[0]}\`, a unit that never appears: it is \`${mangled[1]}\` with the backslash of \\x2d lost (a Nix string turns "\\x2d" into "x2d"; write "\\\\x2d")`,
      );
    } else if (missing) {
      problems.push(`${service} is ordered on \`${missing.unit}\`, a device that does not resolve on this machine (${missing.path} does not exist), so the ordering does nothing`);
    } else if (after.includes('initrd-root-device.target')) {
      problems.push(
        `${service} is ordered only after initrd-root-device.target, which does not wait for the LUKS device (systemd/systemd#24904): nothing orders it after ${unlock[0]}`,
      );
    } else {
      problems.push(`${service} has After=${after.join(' ') || '(nothing)'}, which names neither ${unlock.join(' nor ')}: nothing orders it after the unlock`);
    }
  }
  if (!before.includes('sysroot.mount')) {
    problems.push(`${service} is not ordered before sysroot.mount (Before=${before.join(' ') || '(nothing)'}), so it can race the root mount (Misterio77/Foundry#8)`);
  }
  return problems;
}

/** What the journal says about the order in this boot (empty: it held). */
function journalProblems(g: RollbackOrderGathered, service: string): { problems: string[]; summary: string } {
  const events = g.events ?? [];
  const unlock = cryptsetupUnit(g.mapping);
  const first = (unit: string, kinds: UnitEvent['event'][], after = -1) => events.find((e) => e.unit === unit && kinds.includes(e.event) && e.usec > after);
  const began = first(service, ['starting', 'output']);
  const opened = first(unlock, ['started']);
  const mounting = first('sysroot.mount', ['starting']);
  if (!began) return { problems: [`${service} did not run in this boot's stage 1 (the journal has no record of it starting)`], summary: '' };
  // A unit that runs before journald does (the early mistakes) has its start and result logged
  // through kmsg without UNIT=: then its own end line is the record that it ended.
  const ended =
    first(service, ['started', 'succeeded', 'failed'], began.usec - 1) ??
    events.find((e) => e.unit === service && e.event === 'output' && e.message.includes(END) && e.usec >= began.usec);
  const problems: string[] = [];
  if (!opened) problems.push(`the journal has no record of ${unlock} opening the mapping in this boot, so nothing shows the rollback came after it`);
  else if (began.usec < opened.usec) {
    problems.push(`${service} started at ${seconds(began.usec)}, before ${unlock} finished at ${seconds(opened.usec)}: the mapping was not open yet`);
  }
  if (!mounting) problems.push('the journal has no record of sysroot.mount starting in this boot');
  else if (!ended) problems.push(`${service} never finished (no record), and sysroot.mount began at ${seconds(mounting.usec)}`);
  else if (ended.usec > mounting.usec) {
    problems.push(`${service} was still running when sysroot.mount began at ${seconds(mounting.usec)} (it finished at ${seconds(ended.usec)})`);
  }
  const summary = `${service} ran ${seconds(began.usec)} to ${ended ? seconds(ended.usec) : '?'}, after ${unlock} finished at ${opened ? seconds(opened.usec) : '?'} and before sysroot.mount began at ${mounting ? seconds(mounting.usec) : '?'}`;
  return { problems, summary };
}

const PROMPT = /Enter passphrase for|Passphrase for \/dev\/|Please enter passphrase for disk/g;
const BEGIN = 'darlings-initrd: rollback begin';
const END = 'darlings-initrd: rollback end';
const HANDOVER = 'darlings-initrd: switching root';

/** Scripted stage 1: the markers' order on the console. */
function judgeScripted(g: RollbackOrderGathered): CheckOutcome {
  if (!g.stage1) return fail('no stage-1 console text was recorded for this boot, so the order of the rollback cannot be seen');
  const text = g.stage1.text;
  const prompts = [...text.matchAll(PROMPT)].map((m) => m.index ?? 0);
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END, begin + 1);
  const handover = text.indexOf(HANDOVER, Math.max(begin, 0));
  // The recorded text starts right after the first prompt (procedure/unlock.ts): offset 0 is one.
  const lastPrompt = prompts.length ? prompts[prompts.length - 1]! : 0;
  if (begin < 0) return fail(`boot ${g.stage1.boot}: no rollback ran in stage 1 (no "${BEGIN}" on the console)`);
  if (lastPrompt > begin) return fail(`boot ${g.stage1.boot}: the rollback began before the last passphrase prompt, i.e. before the mapping was open`);
  if (end < 0) return fail(`boot ${g.stage1.boot}: the rollback began but never ended on the console`);
  if (handover >= 0 && handover < end) return fail(`boot ${g.stage1.boot}: stage 1 handed over before the rollback ended`);
  return pass(`boot ${g.stage1.boot}: after the last passphrase prompt, the rollback began and ended before stage 1 handed over`);
}

/**
 * The pure judge.
 *
 * @example
 * judgeRollbackOrder({ initrd: 'systemd', mapping: 'enc', unit: null }).status // 'skipped'
 */
export function judgeRollbackOrder(g: RollbackOrderGathered): CheckOutcome {
  if (g.unit === null) return skip('the scenario has no rollback (rollback: none): there is no order to judge');
  if (g.initrd === 'scripted') return judgeScripted(g);
  const service = `${g.unit.name}.service`;
  const keys = keyProblems({ ...g, unit: g.unit });
  const { problems, summary } = journalProblems(g, service);
  const all = [...keys, ...problems];
  return all.length ? fail(all.join('; ')) : pass(summary);
}

/** The commands a person runs to see what the check sees. */
export function seeRollbackOrder(plan: Plan): string[] {
  const names = unitNames(plan);
  if (!names) return [];
  // Scripted: only the serial console shows it (nothing in the booted system does), so the command says where to look.
  if (plan.initrd === 'scripted') return [`echo ${shQuote(`read the serial console of the boot: "${BEGIN}" after the last passphrase prompt, "${END}" before "${HANDOVER}"`)}`];
  return [
    journalCommand(names.units, names.service).replace('-o json', '-o short-monotonic'),
    ...(names.devices.length ? [devicesCommand(names.devices)] : []),
  ];
}

export const rollbackOrdered: Check<RollbackOrderGathered> = {
  id: 'rollback.ordered',
  holds: 'the rollback ran in stage 1 after the LUKS mapping was open and before the root was mounted',
  gather: gatherRollbackOrder,
  judge: (gathered) => judgeRollbackOrder(gathered),
  // Takes the whole plan (the unit's keys come from it), which is what the runbook hands `see`.
  see: seeRollbackOrder,
};
