import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, CHECK_IDS, POWER_CUT_CHECKS } from '../../harness/checks/index.ts';
import { isCheckId, KNOWN_CHECK_IDS } from '../../harness/scenario/index.ts';

const DOC = new URL('../../docs/check-faults.md', import.meta.url);

/** docs/check-faults.md's table rows: id -> [fault, proving test, message]. */
function faultRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const id = /^`([a-z0-9.-]+)`$/.exec(cells[0] ?? '')?.[1];
    if (id && cells.length === 4) rows.set(id, cells.slice(1));
  }
  return rows;
}

describe('the check registry', () => {
  it('has each id once, and scenario validation accepts every one (expect.failures, skip)', () => {
    expect(new Set(CHECK_IDS).size).toBe(CHECK_IDS.length);
    for (const id of CHECK_IDS) expect(isCheckId(id), id).toBe(true);
  });

  it("keeps DESIGN.md's ids (added to, never renamed)", () => {
    for (const id of KNOWN_CHECK_IDS) expect(CHECK_IDS, id).toContain(id);
  });

  it('says for every check what a person runs to see what it sees', () => {
    for (const c of [...ALL_CHECKS, ...POWER_CUT_CHECKS]) expect(c.see, c.id).toBeTypeOf('function');
  });
});

describe('docs/check-faults.md', () => {
  const rows = faultRows();
  it('has a row for every check id, naming a test that exists and mentions the id', () => {
    const missing = CHECK_IDS.filter((id) => !rows.has(id));
    expect(missing, 'check ids without a row in docs/check-faults.md').toEqual([]);
    for (const [id, [fault, proof, message]] of rows) {
      expect(CHECK_IDS, `row for unknown id ${id}`).toContain(id);
      expect(fault && message, id).toBeTruthy();
      const file = /`(test\/[^`]+\.test\.ts)`/.exec(proof ?? '')?.[1];
      expect(file, `${id}: the proving test is named as \`test/….test.ts\``).toBeTruthy();
      const path = new URL(`../../${file}`, import.meta.url);
      expect(existsSync(path), `${id}: ${file} exists`).toBe(true);
      expect(readFileSync(path, 'utf8'), `${file} mentions ${id}`).toContain(`'${id}'`);
    }
  });
});
