/**
 * Renders the recorded fixture folder and drives the page in the system's headless Chromium
 * (Debian package `chromium`; never a downloaded browser). Saves report-screenshot.png into the
 * rendered copy for people to look at.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { renderIndex, renderReport, serveReport, showReport, writeIndex, writeReport } from '../../harness/report/index.ts';
import { tempDir } from './sample-run.ts';
import type { RunResult } from '../../harness/report/results.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const FIXTURE = fileURLToPath(new URL('../fixtures/recorded-run/', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('../fixtures/report-assets/screenshot-320.png', import.meta.url));
/** The recorded run (test/fixtures/recorded-run: a real blog-xps13 debian run, npm run record-fixtures). */
const RECORDED = JSON.parse(readFileSync(join(FIXTURE, 'results.json'), 'utf8')) as RunResult;
const FAILED = RECORDED.checks.filter((c) => c.status === 'failed');
/** Where the rollback's end line is on the last boot's console (what the edited copy links a check to). */
const LAST_BOOT = RECORDED.boots!.length;
const END_LINE = readFileSync(join(FIXTURE, `serial-${LAST_BOOT}.log`), 'utf8').split('\n').findIndex((l) => l.includes('rollback end')) + 1;

/**
 * A copy of the recorded run with what only some runs have, edited in: the checks phase ended
 * in error with a screenshot (a recording whose checks all ran has none), the first failed
 * check is no longer a declared gap (the blog run's failures all are) and points at a serial line
 * (the reporter does not record one yet).
 */
async function dressedCopy(dir: string): Promise<void> {
  await cp(FIXTURE, dir, { recursive: true });
  const { writeFile } = await import('node:fs/promises');
  const r = structuredClone(RECORDED);
  const checks = r.phases.find((p) => p.name === 'checks')!;
  checks.status = 'failed';
  checks.error = `${FAILED.length} check(s) failed`;
  const first = r.checks.find((c) => c.status === 'failed')!;
  Object.assign(first, { serial: { boot: LAST_BOOT, line: END_LINE }, ok: false, expectedFailure: false, knownGap: false });
  await writeFile(join(dir, 'results.json'), JSON.stringify(r, null, 2));
  await cp(SCREENSHOT, join(dir, 'screenshot-checks.png'));
}
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

if (!HAVE_CHROMIUM) console.warn(`SKIP html-report-in-chromium: ${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);

describe('report.html without a browser', () => {
  it('is self-contained: no external URL, escaped text, screenshots inlined', async () => {
    const html = await renderReport(FIXTURE);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain('data-guest="debian"');
    expect(html).toContain(`id="serial-${LAST_BOOT}-L${END_LINE}"`);
    const dir = await tempDir();
    await dressedCopy(dir);
    const dressed = await renderReport(dir);
    expect(dressed).toContain('data:image/png;base64,');
    expect(dressed).toContain(`href="#serial-${LAST_BOOT}-L${END_LINE - 5}-L${END_LINE + 5}"`);
  });

  it('escapes markup coming from logs', async () => {
    const dir = await tempDir();
    await cp(FIXTURE, dir, { recursive: true });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'serial-1.log'), 'ok\n<script>alert(1)</script>\n');
    const html = await renderReport(dir);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe.skipIf(!HAVE_CHROMIUM)(`report.html in headless Chromium${HAVE_CHROMIUM ? '' : ` (skipped: ${CHROMIUM} missing; apt-get install -y chromium)`}`, () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  let reportPath: string;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    dir = await tempDir('darlings-report-html-');
    await dressedCopy(dir);
    reportPath = await writeReport(dir);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(reportPath).href);
    expect(errors).toEqual([]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows which guest ran, unmistakably', async () => {
    await expect(page.title()).resolves.toBe(`${RECORDED.status === 'passed' ? '✓' : '✗'} blog-xps13 [debian] · darlings`);
    expect(await page.locator('header .guest').innerText()).toBe('Debian stand-in');
    expect(await page.locator('header').innerText()).toContain('not NixOS');
    expect(await page.locator('.guest-nixos').count()).toBe(0);
    expect((await stat(reportPath)).mode & 0o777).toBe(0o600);
  });

  it('draws the timeline with every phase and boot, the failed phase red', async () => {
    const phases = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')).phases as { name: string }[];
    expect(await page.locator('#timeline .bar').count()).toBe(phases.length + LAST_BOOT);
    expect(await page.locator('#timeline .bar.boot').count()).toBe(LAST_BOOT);
    const failed = page.locator('#timeline .bar.failed');
    expect(await failed.count()).toBe(1);
    expect(await failed.getAttribute('title')).toMatch(/^checks: failed/);
    expect(await failed.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(207, 34, 46)');
    // To scale: install is far longer than partition, and as much wider.
    const ms = (name: string) => phases.find((p) => p.name === name) as unknown as { durationMs: number };
    const width = async (name: string): Promise<number> => (await page.locator(`#timeline .bar[title^="${name}:"]`).boundingBox())!.width;
    expect((await width('install')) / (await width('partition'))).toBeGreaterThan((0.5 * ms('install').durationMs) / ms('partition').durationMs);
  });

  it('lists checks failed first, with the message and a link to the serial lines', async () => {
    const rows = page.locator('table.checks tbody tr');
    expect(await rows.count()).toBe(RECORDED.checks.length);
    expect(await rows.first().getAttribute('class')).toBe('failed');
    expect(await rows.first().innerText()).toContain(FAILED[0]!.id);
    expect(await rows.first().innerText()).toContain(FAILED[0]!.message.slice(0, 40));
    expect(await page.locator('table.checks tbody tr.skipped').count()).toBe(RECORDED.checks.filter((c) => c.status === 'skipped').length);
    await rows.first().locator('a.loglink').click();
    const b = LAST_BOOT;
    expect(new URL(page.url()).hash).toBe(`#serial-${b}-L${END_LINE - 5}-L${END_LINE + 5}`);
    await expect.poll(() => page.locator(`#serial-${b}-L${END_LINE}`).getAttribute('class')).toContain('focus');
    expect(await page.locator(`#serial-${b} .ln.sel`).count()).toBe(11);
    expect(await page.locator(`#serial-${b}-L${END_LINE}`).innerText()).toContain('darlings-initrd: rollback end status=0');
  });

  it('finds a line with the search box of a serial log', async () => {
    const lines = readFileSync(join(FIXTURE, 'serial-1.log'), 'utf8').replace(/\n$/, '').split('\n');
    expect(await page.locator('#serial-1 .ln').count()).toBe(lines.length);
    // With three boots only the last log starts open; a person opens the first one.
    await page.locator('#serial-1').evaluate((d) => ((d as HTMLDetailsElement).open = true));
    const search = page.locator('#serial-1 .log-search');
    await search.fill('darlings-ready');
    await search.press('Enter');
    await expect.poll(() => page.locator('#serial-1 .ln.hit').count()).toBe(1);
    expect(await page.locator('#serial-1 .ln.hit').getAttribute('id')).toBe(`serial-1-L${lines.findIndex((l) => l.includes('darlings-ready')) + 1}`);
    expect(await page.locator('#serial-1 .ln.hit mark').innerText()).toBe('darlings-ready');
    expect(await page.locator('#serial-1 .log-count').innerText()).toBe('1 / 1');
    await page.locator('#serial-1 .log-only').check();
    expect(await page.locator('#serial-1 .ln:visible').count()).toBe(1);
    await page.locator('#serial-1 .log-only').uncheck();
    await search.fill('');
  });

  it('shows fs-diff grouped by top folder, screenshots and the other logs', async () => {
    const groups = await page.locator('#fs-diff .fsg > summary code').allInnerTexts();
    const paths = readFileSync(join(FIXTURE, 'fs-diff.txt'), 'utf8').split('\n').filter(Boolean);
    expect(groups).toEqual([...new Set(paths.map((p) => `/${p.split('/')[1]}`))].sort());
    expect(await page.locator('#screenshots img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(320);
    expect(await page.locator('#dmesg-2 .ln').count()).toBeGreaterThan(5);
    expect(await page.locator('#ssh .ln').count()).toBeGreaterThan(5);
  });

  it('saves a screenshot of the whole page into the rendered folder', async () => {
    await page.goto(pathToFileURL(reportPath).href);
    const shot = join(dir, 'report-screenshot.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect((await stat(shot)).size).toBeGreaterThan(10_000);
    console.log(`report screenshot: ${shot}`);
  });

  it('is served on 127.0.0.1 by showReport, and nothing outside the folder is', async () => {
    const lines: string[] = [];
    const served = await showReport(dir, { print: (l) => lines.push(l), port: 0 });
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(lines[0]).toContain(served.pageUrl);
      const res = await fetch(served.pageUrl);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect((await fetch(served.url + 'serial-2.log')).status).toBe(200);
      expect((await fetch(served.url + '..%2F..%2Fetc%2Fpasswd')).status).toBe(403);
      const p2 = await browser.newPage();
      await p2.goto(served.pageUrl);
      expect(await p2.locator('table.checks tbody tr').count()).toBe(RECORDED.checks.length);
      await p2.close();
    } finally {
      await served.close();
    }
  });

  it('index.html lists several runs with links that open', async () => {
    const root = await tempDir();
    const a = join(root, 'blog-xps13-debian-1');
    const b = join(root, 'blog-xps13-nixos-2');
    await cp(FIXTURE, a, { recursive: true });
    await cp(FIXTURE, b, { recursive: true });
    const json = JSON.parse(await readFile(join(b, 'results.json'), 'utf8'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(b, 'results.json'), JSON.stringify({ ...json, guest: 'nixos', status: 'passed', checks: [] }));
    await writeReport(a);
    await writeReport(b);
    const index = await writeIndex([a, b], root);
    expect(await renderIndex([a, b], root)).toContain('href="blog-xps13-nixos-2/report.html"');
    const p2 = await browser.newPage();
    await p2.goto(pathToFileURL(index).href);
    expect(await p2.locator('table.runs tbody tr').count()).toBe(2);
    expect(await p2.locator('.guest-nixos').count()).toBe(1);
    await p2.locator('table.runs tbody tr').nth(1).locator('a').first().click();
    expect(await p2.locator('header .guest').innerText()).toBe('NixOS');
    await p2.close();
    const served = await serveReport(root, { port: 0 });
    try {
      expect((await fetch(served.url)).status).toBe(200);
    } finally {
      await served.close();
    }
  });
});
