/**
 * darlings as users get it (issue 15): `npm pack`, then in an empty project `npm i` of the
 * tarball, and from there the CLI, the API, `init`, and a real run of a scenario file kept in that
 * project (debian guest; images and the blog's first-boot checkpoint from the cache, rebuilt when
 * missing). One pack and one install serve every assertion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { badModes, filesUnder } from './support/run-cli.ts';
import type { RunResult } from '../../harness/report/results.ts';
import { buildGuestImage } from '../../harness/runner/build-image.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
let work = '';
let project = '';
let tarball = '';

/** `npx darlings …` in the user's project, as a user runs it. */
const darlings = (args: string[]) =>
  execa('npx', ['darlings', ...args], { cwd: project, reject: false, all: true, env: { CI: 'true' } });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'darlings-pack-'));
  // dist/ is fresh (the globalSetup rebuilt it if harness/ changed). Without --ignore-scripts,
  // pack's `prepare` would rebuild it from under the CLI tests that run beside this one.
  const packed = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: REPO });
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info!.filename);
  project = join(work, 'laptop-config');
  await mkdir(join(project, 'ci'), { recursive: true });
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'laptop-config', private: true, type: 'module' }, null, 2));
  await execa('npm', ['i', '--no-audit', '--no-fund', tarball], { cwd: project });

  // The user's scenario lives in their repo and resumes from the first boot of the blog scenario
  // shipped in the package (`from:` looks beside the file, then in darlings' scenarios/); another
  // names a rollback script of their own, for the API check.
  await writeFile(
    join(project, 'ci/laptop.yaml'),
    'description: my laptop, after its first boot\nguests: [debian]\nprofile: xps13-7390\nfrom: blog-xps13-fixed@first-boot\n' +
      'expect:\n  failures:\n    - id: persist.adjtime\n      reason: nothing under QEMU writes /etc/adjtime\n',
  );
  await writeFile(join(project, 'ci/own-rollback.yaml'), 'guests: [debian]\nrollback: { script: ../scripts/rollback.sh }\n');
  await mkdir(join(project, 'scripts'));
  await writeFile(join(project, 'scripts/rollback.sh'), '#!/bin/sh\necho my rollback\n');
}, 10 * 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed darlings installed in an empty project', () => {
  it('ships dist/, images, scenarios and docs, and no tests, sources or CI scripts', async () => {
    const listed = await execa('tar', ['-tzf', tarball]);
    const files = listed.stdout.split('\n').map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(expect.arrayContaining(['bin/darlings.js', 'dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'images/debian/build.sh', 'images/profiles/xps13-7390.yaml', 'scenarios/blog-xps13.yaml', 'README.md', 'docs/nixos.md']));
    expect(files.filter((f) => /^(test|harness|bench|\.ci)\//.test(f) || f.endsWith('.test.js') || f === 'bin/darlings-dev.js')).toEqual([]);
    // tsx is for development: the installed tree has none.
    expect(await readdir(join(project, 'node_modules'))).not.toContain('tsx');
  });

  it('runs `darlings --help` and `list --json` of a scenario kept in the project', async () => {
    const help = await darlings(['--help']);
    expect(help.exitCode, help.all).toBe(0);
    expect(help.stdout).toMatch(/run \[options\] <scenario\.\.\.>/);
    expect(help.stdout).toMatch(/\binit\b/);

    const list = await darlings(['list', '--json', 'ci/laptop.yaml']);
    expect(list.exitCode, list.all).toBe(0);
    const entries = JSON.parse(list.stdout) as { id: string; file: string; profile: string }[];
    expect(entries).toEqual([expect.objectContaining({ id: 'laptop/debian/bookworm', file: join(project, 'ci/laptop.yaml'), profile: 'xps13-7390' })]);
  });

  it('gives programs the API with its types: a scenario and its relative script load from the project', async () => {
    await writeFile(
      join(project, 'check.ts'),
      `import { loadPlans, readResults, type Plan } from 'darlings';
const plans: Plan[] = await loadPlans(['ci/own-rollback.yaml'], { guest: 'debian' });
const kind: 'builtin' | 'none' | 'script' = plans[0]!.rollback.kind;
console.log(JSON.stringify({ kind, rollback: plans[0]!.rollback, read: typeof readResults }));
`,
    );
    const tsconfig = { compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, skipLibCheck: true, types: [], outDir: 'out' }, files: ['check.ts'] };
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = await execa(process.execPath, [TSC, '-p', '.'], { cwd: project, reject: false, all: true });
    expect(tsc.exitCode, tsc.all).toBe(0);
    const r = await execa(process.execPath, ['out/check.js'], { cwd: project, reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const got = JSON.parse(r.stdout) as { kind: string; rollback: { path: string; source: string }; read: string };
    expect(got).toMatchObject({ kind: 'script', read: 'function' });
    expect(got.rollback.path).toBe(join(project, 'scripts/rollback.sh'));
    expect(got.rollback.source).toContain('my rollback');
  });

  it('`darlings init` writes a starter scenario and workflow, and the second time refuses, naming the file', async () => {
    const first = await darlings(['init']);
    expect(first.exitCode, first.all).toBe(0);
    const scenario = await readFile(join(project, 'darlings/laptop.yaml'), 'utf8');
    const workflow = await readFile(join(project, '.github/workflows/darlings.yml'), 'utf8');
    const listed = await darlings(['list', '--json', 'darlings/laptop.yaml']);
    expect(listed.exitCode, listed.all).toBe(0);

    const again = await darlings(['init']);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/darlings\/laptop\.yaml exists already/);
    expect(await readFile(join(project, 'darlings/laptop.yaml'), 'utf8')).toBe(scenario);
    expect(await readFile(join(project, '.github/workflows/darlings.yml'), 'utf8')).toBe(workflow);
  });

  it('finds the debian image the clone built: the installed package keys it the same', async () => {
    const fromClone = await buildGuestImage('debian');
    const r = await darlings(['build-image', 'debian']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toContain(`key: ${fromClone.key}`);
    expect(r.stdout).toMatch(/cached: yes/);
  });

  it('runs the project\'s scenario on the debian guest and writes a results folder in the project', async () => {
    const r = await darlings(['run', 'ci/laptop.yaml', '--guest', 'debian', '--output', 'out/laptop', '--timeout-scale', '2']);
    const log = r.all?.slice(-4000);
    const dir = join(project, 'out/laptop');
    const result = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as RunResult;
    expect(result.scenario).toBe('laptop');
    expect(result.guest).toBe('debian');
    expect(result.checkpoint?.from, log).toMatch(/^blog-xps13-fixed@first-boot/);
    expect(result.checks.length).toBeGreaterThan(5);
    // What fails is what the scenario declares; what cannot be seen here is skipped, saying why.
    expect(result.checks.filter((c) => c.status === 'failed' && !c.ok), log).toEqual([]);
    expect(result.checks.filter((c) => c.status === 'failed').map((c) => c.id), log).toEqual(['persist.adjtime']);
    expect(result.checks.filter((c) => c.status === 'skipped').map((c) => c.id).sort(), log).toEqual(['persist.nixos-marker', 'persist.nm-seen-bssids']);
    expect(result.status, log).toBe('passed');
    const names = (await filesUnder(dir)).map((f) => f.slice(dir.length + 1));
    expect(names).toEqual(expect.arrayContaining(['results.json', 'junit.xml', 'report.html', 'ssh.log']));
    expect(await badModes(dir)).toEqual([]);
    expect(r.exitCode, log).toBe(0);
  });
});
