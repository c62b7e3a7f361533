/**
 * The report's Procedure section for the recorded debian run (test/fixtures/runbook-run), driven
 * in the system's headless Chromium: every step is there with what the run did, and each copy
 * button puts the step, as a person types it, on the clipboard.
 */
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { renderReport, writeReport } from '../../harness/report/index.ts';
import { personCommand, readProcedureFile, type Runbook } from '../../harness/runbook/index.ts';
import { testPlan } from '../support/plan.ts';
import { tempDir } from './sample-run.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const FIXTURE = fileURLToPath(new URL('../fixtures/runbook-run/', import.meta.url));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the Procedure section without a browser', () => {
  it('is in the page, self-contained, with no secret', async () => {
    const html = await renderReport(FIXTURE);
    expect(html).toContain('<section class="card" id="procedure">');
    expect(html).toContain('<a href="#procedure">Procedure</a>');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const s of testPlan({}, 'debian').secrets) expect(html).not.toContain(s);
  });
});

describe.skipIf(!HAVE_CHROMIUM)('the Procedure section in headless Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let book: Runbook;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const dir = await tempDir('darlings-report-procedure-');
    await cp(FIXTURE, dir, { recursive: true });
    book = (await readProcedureFile(dir))!;
    const report = await writeReport(dir);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(report).href);
    expect(errors).toEqual([]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('lists every step, each command with a copy button, and says which run proved it', async () => {
    const steps = book.sections.flatMap((s) => s.steps);
    expect(await page.locator('#procedure .proc-sec').count()).toBe(book.sections.length + 1);
    const withCommand = steps.filter((s) => s.command !== undefined).length;
    const checksWithSee = book.checks.filter((c) => c.see?.length).length;
    expect(await page.locator('#procedure button.copy').count()).toBe(1 + withCommand + checksWithSee);
    expect(await page.locator('#procedure').innerText()).toContain('Proved by the run in');
    // Only the commands the scenario declares to fail under QEMU (no Wi-Fi, no /etc/adjtime) show red.
    const plan = testPlan({}, 'debian');
    expect(await page.locator('#procedure .proc-step.run-failed').count()).toBe(plan.expectedCommandFailures.length);
    expect(await page.locator('#procedure .proc-run.ok').count()).toBeGreaterThan(30);
  });

  it('copies a step as a person types it: the disk as a variable, the passphrase a placeholder', async () => {
    const luks = book.sections.flatMap((s) => s.steps).find((s) => s.title === 'cryptsetup luksFormat')!;
    const button = page.locator(`#step-${luks.id} button.copy`);
    await button.click();
    await expect.poll(() => button.getAttribute('data-copied')).toBe('yes');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(personCommand(luks, book.disk, 'md'));
    expect(copied).toContain("printf '%s' '<passphrase>' | cryptsetup");
    expect(copied).toContain('${PART}3');
  });
});
