/**
 * Replays judges on recorded states: test/fixtures/checks/<name>.json is a run's
 * checks-gathered.json (npm run record-fixtures). Tests that change a state say what they changed
 * and why that makes the property false.
 */
import { readFileSync } from 'node:fs';
import { ALL_CHECKS, POWER_CUT_CHECKS, SERVICE_CHECKS, type AnyCheck, type CheckOutcome } from '../../harness/checks/index.ts';
import type { GatheredRecord } from '../../harness/runner/run-checks.ts';

/** A recorded state, fresh each call (tests edit their copy). */
export function recorded(name: string): GatheredRecord {
  return JSON.parse(readFileSync(new URL(`../fixtures/checks/${name}.json`, import.meta.url), 'utf8')) as GatheredRecord;
}

export function checkById(id: string): AnyCheck {
  const c = [...ALL_CHECKS, ...POWER_CUT_CHECKS, ...SERVICE_CHECKS].find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
}

/** What the check's gather saw in `rec` (throws when it did not gather). */
export function gathered<G = any>(rec: GatheredRecord, id: string): G { // eslint-disable-line @typescript-eslint/no-explicit-any
  const c = rec.checks[id];
  if (!c || !('gathered' in c)) throw new Error(`${rec.scenario}: ${id} gathered nothing (${c?.fault ?? 'not in the record'})`);
  return c.gathered as G;
}

export function before<B = any>(rec: GatheredRecord, id: string): B { // eslint-disable-line @typescript-eslint/no-explicit-any
  return rec.checks[id]?.before as B;
}

/** Judges check `id` on `rec` (optionally on edited gathered/before states). */
export function judge(rec: GatheredRecord, id: string, edited: { gathered?: unknown; before?: unknown; plan?: GatheredRecord['plan'] } = {}): CheckOutcome {
  const c = rec.checks[id];
  const g = 'gathered' in edited ? edited.gathered : gathered(rec, id);
  const b = 'before' in edited ? edited.before : c?.before;
  return checkById(id).judge(g, { plan: edited.plan ?? rec.plan, before: b, facts: rec.facts });
}
