import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  HARNESS,
  ROOT,
  TOP,
  harnessFolders,
  importsOf,
  readDepsList,
  readLayerTable,
  tsFiles,
  violations,
  type ImportRef,
  type Layer,
} from './import-graph.ts';

const DOC = join(ROOT, 'docs/architecture.md');
const files = [...tsFiles(HARNESS), ...tsFiles(join(ROOT, 'bench'))];
const read = files.map(importsOf);
const refs = read.flatMap((r) => r.refs);
const table = readLayerTable(readFileSync(DOC, 'utf8'));

/** The layers in the documented order, each with what its DEPS.list says. */
function layersFromDisk(): Layer[] {
  return table.map((row) => ({
    name: row.name,
    mayImport: readDepsList(row.name === TOP ? HARNESS : join(HARNESS, row.name)) ?? [],
  }));
}

/** The row docs/architecture.md should have for a folder, for the failure message. */
function rowFor(name: string): string {
  const deps = readDepsList(name === TOP ? HARNESS : join(HARNESS, name)) ?? [];
  return `| \`${name}\` | … | ${deps.length ? deps.map((d) => `\`${d}\``).join(', ') : '–'} |`;
}

describe('imports go one way (DEPS.list)', () => {
  it('reads imports of every kind, so none slips past the rule', () => {
    const kinds = refs.map((r) => r.specifier);
    expect(files.length).toBeGreaterThan(50);
    // A dynamic import and a type-only import both exist in the tree today and must be seen.
    expect(refs.some((r) => r.from === 'harness/guests/drivers.ts' && r.specifier === './debian/driver.ts')).toBe(true);
    expect(refs.some((r) => r.from === 'harness/procedure/context.ts' && r.specifier === '../scenario/plan.ts')).toBe(true);
    expect(kinds.length).toBeGreaterThan(100);
    expect(read.flatMap((r) => r.unreadable)).toEqual([]);
  });

  it('every folder under harness/ has a DEPS.list and a row in docs/architecture.md', () => {
    const missing = harnessFolders().filter((f) => readDepsList(join(HARNESS, f)) === undefined);
    expect(missing, 'add a DEPS.list (format in docs/architecture.md) to').toEqual([]);
    expect(readDepsList(HARNESS), 'harness/DEPS.list (what cli.ts and index.ts may import)').toBeDefined();
    const rows = table.map((r) => r.name);
    const wanted = [...harnessFolders(), TOP];
    const absent = wanted.filter((f) => !rows.includes(f));
    expect(absent.map(rowFor), 'add these rows to the layer table in docs/architecture.md').toEqual([]);
    expect(rows.filter((r) => !wanted.includes(r)), 'rows for folders that do not exist').toEqual([]);
  });

  it('the layer table in docs/architecture.md says what each DEPS.list says', () => {
    const drift = table
      .filter((row) => {
        const deps = readDepsList(row.name === TOP ? HARNESS : join(HARNESS, row.name)) ?? [];
        return [...deps].sort().join(',') !== [...row.mayImport].sort().join(',');
      })
      .map((row) => rowFor(row.name));
    expect(drift, 'docs/architecture.md drifted from DEPS.list; the rows should read').toEqual([]);
  });

  it('no import breaks the rules: allowed by DEPS.list, never up the layers, no cycle', () => {
    expect(violations(refs, layersFromDisk())).toEqual([]);
  });
});

describe('the import rule can fail', () => {
  const layers: Layer[] = [
    { name: 'util', mayImport: [] },
    { name: 'channels', mayImport: ['util'] },
    { name: 'guests', mayImport: ['channels', 'util'] },
    { name: 'report', mayImport: ['util'] },
    { name: TOP, mayImport: ['guests'] },
  ];
  const ref = (from: string, specifier: string): ImportRef => {
    const to = join(from, '..', specifier).replace(/\\/g, '/');
    return { from, to, specifier, line: 1 };
  };

  it('flags an arrow that runs back up, and the cycle it closes', () => {
    const found = violations(
      [ref('harness/guests/guest.ts', '../channels/shell.ts'), ref('harness/channels/ssh.ts', '../guests/guest.ts')],
      layers,
    );
    expect(found.join('\n')).toMatch(/channels\/ssh\.ts:1 imports \.\.\/guests\/guest\.ts: `guests` is not in channels\/DEPS\.list \(and it is above it/);
    expect(found.join('\n')).toMatch(/cycle: (channels -> guests -> channels|guests -> channels -> guests)/);
  });

  it('flags a type-only or sideways import the DEPS.list does not name', () => {
    expect(violations([ref('harness/report/x.ts', '../channels/ssh.ts')], layers)).toEqual([
      'harness/report/x.ts:1 imports ../channels/ssh.ts: `channels` is not in report/DEPS.list',
    ]);
  });

  it('flags a DEPS.list that allows an arrow up, or report reaching the machine', () => {
    const bad = violations([], [...layers.slice(0, 2), { name: 'vm', mayImport: ['guests'] }, layers[2]!, { name: 'report', mayImport: ['channels'] }]);
    expect(bad).toEqual([
      'vm/DEPS.list allows `guests`, which is not below it in the layer order (an arrow up)',
      'report/DEPS.list allows `channels`: reporters never import the runner, the machine or the channels',
    ]);
  });

  it('flags bench reaching into test/, a folder importing the entry files, and errors.ts importing anything', () => {
    expect(
      violations(
        [
          ref('bench/boot.ts', '../test/e2e/support/tiny-machine.ts'),
          ref('harness/util/x.ts', '../cli.ts'),
          ref('harness/errors.ts', './util/poll.ts'),
          ref('harness/util/poll.ts', '../errors.ts'),
          ref('harness/errors.ts', './util/duration.ts'),
        ],
        layers,
      ),
    ).toEqual([
      'bench/boot.ts:1 imports ../test/e2e/support/tiny-machine.ts: bench/ must not import test/ (move what it needs into harness/)',
      'harness/util/x.ts:1 imports ../cli.ts: no folder imports the entry files (cli.ts, index.ts)',
      'harness/errors.ts:1 imports ./util/poll.ts: errors.ts is the base and imports nothing of the harness but leaves of util/',
    ]);
  });

  it('reads dynamic, type-only and re-export imports alike', () => {
    expect(importsOf('test/architecture/fixtures/every-import-kind.ts').refs.map((r) => r.specifier)).toEqual([
      './a.ts',
      './b.ts',
      './c.ts',
      './d.ts',
      './e.ts',
    ]);
    expect(importsOf('test/architecture/fixtures/every-import-kind.ts').unreadable).toHaveLength(1);
  });
});
