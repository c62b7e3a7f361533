import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert } from 'xmlbuilder2';
import { JunitReporter, renderJunit } from '../../harness/report/junit-reporter.ts';
import { Multiplexer } from '../../harness/report/multiplexer.ts';
import { sampleRun, tempDir } from './sample-run.ts';

type Obj = Record<string, any>;
const arr = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

describe('junit.xml', () => {
  it('is valid XML with one suite per run and the right counts', async () => {
    const dir = await tempDir();
    const { events, result } = sampleRun({ outputDir: dir });
    const mux = new Multiplexer([new JunitReporter()]);
    for (const e of events) mux.onEvent(e);
    await mux.onEnd([result]);
    expect(mux.errors).toEqual([]);

    const file = join(dir, 'junit.xml');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const doc = convert(await readFile(file, 'utf8'), { format: 'object' }) as Obj; // throws on malformed XML
    const suite = doc.testsuites.testsuite as Obj;
    expect(suite['@name']).toBe('blog-xps13 [debian]');
    // 5 phases + 4 checks; the failed phase and the unexpected check fail; the expected failure passes.
    expect(suite['@tests']).toBe('9');
    expect(suite['@failures']).toBe('2');
    expect(suite['@errors']).toBe('0');
    expect(suite['@skipped']).toBe('1');
    expect(suite['@time']).toBe((result.durationMs / 1000).toFixed(3));

    const props = Object.fromEntries(arr<Obj>(suite.properties.property).map((p) => [p['@name'], p['@value']]));
    expect(props).toMatchObject({ guest: 'debian', accel: 'tcg', profile: 'default', kernel: '6.1.0-37-amd64' });

    const cases = arr<Obj>(suite.testcase);
    expect(cases.filter((c) => c['@classname'] === 'blog-xps13.debian.phases').map((c) => c['@name'])).toEqual(['partition', 'luks', 'install', 'boot', 'checks']);
    const checks = Object.fromEntries(cases.filter((c) => c['@classname'] === 'blog-xps13.debian.checks').map((c) => [c['@name'], c]));
    expect(checks['persist.machine-id']!.failure['@message']).toMatch(/machine-id changed/);
    expect(checks['swap.active']!.skipped).toBeDefined();
    expect(checks['rollback.blank-not-nested']!.failure).toBeUndefined();
    expect(checks['rollback.blank-not-nested']!['system-out']).toMatch(/expected failure/);
    expect(cases.find((c) => c['@name'] === 'luks')!['@time']).toBe('2.000');
  });

  it('stays valid XML when messages carry control characters and markup', () => {
    const { result } = sampleRun({ outputDir: '/x' });
    result.checks[1]!.message = 'saw \x1b[31m<panic>\x1b[0m & \x07bell ]]> end';
    const xml = renderJunit(result);
    expect(() => convert(xml, { format: 'object' })).not.toThrow();
    expect(xml).toContain('&lt;panic&gt;');
  });
});
