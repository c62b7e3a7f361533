/**
 * scenario/checkIds.ts is the one list of check ids a scenario may name; the checks registry must
 * match it: every registered check has a known id, and every known id has exactly one check.
 */
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, POWER_CUT_CHECKS } from '../../harness/checks/index.ts';
import { isCheckId, KNOWN_CHECK_IDS } from '../../harness/scenario/checkIds.ts';

const registered = [...ALL_CHECKS, ...POWER_CUT_CHECKS].map((c) => c.id);

describe('check ids come from one list', () => {
  it('every registered check has an id a scenario may name', () => {
    expect(registered.filter((id) => !isCheckId(id))).toEqual([]);
  });

  it('every id in scenario/checkIds.ts has exactly one check behind it', () => {
    expect(KNOWN_CHECK_IDS.filter((id) => registered.filter((r) => r === id).length !== 1)).toEqual([]);
  });

  it('no two checks share an id', () => {
    expect(registered.filter((id, i) => registered.indexOf(id) !== i)).toEqual([]);
  });
});
