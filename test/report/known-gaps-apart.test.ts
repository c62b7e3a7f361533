import { describe, expect, it } from 'vitest';
import { convert } from 'xmlbuilder2';
import { ListReporter } from '../../harness/report/list-reporter.ts';
import { renderJunit } from '../../harness/report/junit-reporter.ts';
import { checksTable, header, recipeSection } from '../../harness/report/html/sections.ts';
import { countChecks } from '../../harness/report/format.ts';
import { annotateExpectations, recipeNotes } from '../../harness/runner/recipe-notes.ts';
import type { RunFolder } from '../../harness/report/html/folder.ts';
import type { RunResult } from '../../harness/report/results.ts';
import { sampleRun } from './sample-run.ts';

const plan = {
  expectations: [
    { id: 'persist.machine-id', reason: "the blog's copies leave out machine-id", gap: true },
    { id: 'rollback.blank-not-nested', reason: 'broken on purpose', gap: false },
  ],
  deviations: [{ blog: 'cp {,/persist}/etc/nixos', instead: 'cp -r {,/persist}/etc/nixos', reason: 'a folder needs -r' }],
};
const facts = {
  persistCommands: [
    { name: 'cp a', command: 'cp a', exitCode: 1, stderr: "cp: cannot stat 'a'", expectedFailure: { reason: 'no Wi-Fi', gap: false } },
    { name: 'cp b', command: 'cp b', exitCode: 0, stderr: '' },
  ],
};

/** The sample run, with persist.machine-id declared a known gap and the notes the runner adds. */
function withGaps(): RunResult {
  const { result } = sampleRun({ outputDir: '/x' });
  const checks = annotateExpectations(
    result.checks.map((c) => (c.id === 'persist.machine-id' ? { ...c, expectedFailure: true, ok: true } : c)),
    plan,
  );
  return { ...result, status: 'passed', checks, ...recipeNotes(plan, checks, facts) };
}

describe('known gaps of the recipe', () => {
  it('are listed where the run showed them, with the reason and what the run saw', () => {
    const r = withGaps();
    expect(r.knownGaps).toEqual([{ kind: 'check', id: 'persist.machine-id', reason: "the blog's copies leave out machine-id", message: expect.stringContaining('machine-id changed') }]);
    expect(r.deviations).toEqual(plan.deviations);
    expect(r.commandFailures).toEqual([{ command: 'cp a', exitCode: 1, stderr: "cp: cannot stat 'a'", reason: 'no Wi-Fi', gap: false }]);
  });

  it('are not listed when the check did not fail', () => {
    const { result } = sampleRun({ outputDir: '/x' });
    const passing = result.checks.map((c) => ({ ...c, status: 'passed' as const }));
    expect(recipeNotes(plan, passing, {}).knownGaps).toEqual([]);
  });

  it('are counted apart from passes and ordinary expected failures', () => {
    const n = countChecks(withGaps().checks);
    expect(n.gaps).toBe(1);
    expect(n.expected).toBe(1);
  });

  it('have their own lines in the list summary', async () => {
    const chunks: string[] = [];
    const list = new ListReporter({ stream: { write: (s: string) => void chunks.push(s) }, isTTY: false, width: 120 });
    await list.onEnd([withGaps()]);
    const text = chunks.join('');
    expect(text).toContain('The recipe as written (known gaps, deviations):');
    expect(text).toContain("blog-xps13/debian known gap persist.machine-id: the blog's copies leave out machine-id (the run: ");
    expect(text).toContain("deviation: `cp -r {,/persist}/etc/nixos` instead of the blog's `cp {,/persist}/etc/nixos`: a folder needs -r");
    expect(text).toContain('expected command failure `cp a` (exit 1): no Wi-Fi');
  });

  it('are in junit.xml apart from the checks: properties, the check note, the suite output', () => {
    const xml = renderJunit(withGaps());
    expect(() => convert(xml, { format: 'object' })).not.toThrow();
    expect(xml).toMatch(/name="knownGap.1" value="persist.machine-id: the blog(&apos;|')s copies leave out machine-id"/);
    expect(xml).toContain('name="deviation.1"');
    expect(xml).toContain('known gap of the recipe: the blog');
    expect(xml).toContain('The recipe as written:');
  });

  it('have their own section and tag in report.html', () => {
    const r = withGaps();
    const html = recipeSection(r);
    expect(html).toContain('<h3>Known gaps of the recipe <small>1</small></h3>');
    expect(html).toContain('<h3>Deviations from the blog <small>1</small></h3>');
    expect(html).toContain('<h3>Commands that failed as expected <small>1</small></h3>');
    expect(checksTable(r)).toContain('<span class="tag gap">known gap of the recipe</span>');
    expect(header({ result: r } as RunFolder)).toContain('1 known gap of the recipe');
    expect(recipeSection({ ...r, knownGaps: [], deviations: [], commandFailures: [] })).toBe('');
  });
});

describe('results.json', () => {
  it('keeps the known gaps, deviations, command failures and each reason (added fields)', async () => {
    const { toContract } = await import('../../harness/report/json-reporter.ts');
    const r = toContract(withGaps());
    expect(r.knownGaps?.map((g) => g.id)).toEqual(['persist.machine-id']);
    expect(r.deviations).toHaveLength(1);
    expect(r.commandFailures?.[0]?.stderr).toBe("cp: cannot stat 'a'");
    expect(r.checks.find((c) => c.id === 'persist.machine-id')).toMatchObject({ knownGap: true, reason: "the blog's copies leave out machine-id" });
  });
});
