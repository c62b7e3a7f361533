import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../harness/errors.ts';
import { createReporters, parseReporterNames } from '../../harness/report/index.ts';

const opts = { stdout: { write: () => true }, isTTY: false };

describe('createReporters', () => {
  it('takes --reporter lists, comma-separated or repeated, in run order', () => {
    expect(parseReporterNames(['html,list', 'json', 'list'])).toEqual(['list', 'json', 'html']);
    expect(createReporters(['junit,list'], opts).reporters.map((r) => r.name)).toEqual(['list', 'junit']);
    expect(createReporters([], opts).reporters.map((r) => r.name)).toEqual(['list', 'json', 'junit', 'html']);
  });

  it('rejects an unknown reporter as bad usage (exit 2)', () => {
    expect(() => createReporters(['list,xml'], opts)).toThrow(ScenarioError);
    expect(() => parseReporterNames(['dot'])).toThrow('Expected `--reporter` to be a comma-separated list of list, json, junit, html, got `dot`');
  });
});
