/**
 * The runbook's commands are the commands the harness sent: test/fixtures/runbook-run is a real
 * blog-xps13 run on the debian guest (re-record it with
 *   flock /tmp/darlings-vm.lock npx darlings run scenarios/blog-xps13.yaml --guest debian --output /tmp/runbook-run
 * and copy results.json, ssh.log, procedure.json and dmesg-2.txt here).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { debianDriver } from '../../harness/guests/debian/driver.ts';
import { annotateWithRun, buildRunbook, parseSshLog, renderMarkdown, renderScript, runbookFromRun, sentSteps, type Runbook, type RunRecord } from '../../harness/runbook/index.ts';
import { procedureSection } from '../../harness/report/html/procedure.ts';
import { testPlan } from '../support/plan.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/runbook-run/', import.meta.url));
const plan = testPlan({}, 'debian');
const book = buildRunbook(plan, debianDriver);
const sshLog = await readFile(`${FIXTURE}ssh.log`, 'utf8');
const results = JSON.parse(await readFile(`${FIXTURE}results.json`, 'utf8')) as RunRecord;
/** The runbook the recorded run wrote at its start (procedure.json), from the same functions it then ran. */
const recordedBook = JSON.parse(await readFile(`${FIXTURE}procedure.json`, 'utf8')) as Runbook;
const RERECORD = 'flock /tmp/darlings-vm.lock npx darlings run scenarios/blog-xps13.yaml --guest debian --output /tmp/runbook-run, then copy results.json ssh.log procedure.json dmesg-2.txt into test/fixtures/runbook-run/';
const INSTALLER = (id: string) => !['first-boot', 'reboot'].includes(id);

/**
 * The runbook's sent steps, aligned with what a session sent: conditional steps (`sent: 'if'`)
 * are kept where the log shows them and dropped where it does not. Equal arrays mean the same
 * commands in the same order, nothing more, nothing less.
 */
function expectedFor(book: Runbook, sections: (id: string) => boolean, sent: string[]): string[] {
  const steps = sentSteps({ ...book, sections: book.sections.filter((s) => sections(s.id)) });
  const out: string[] = [];
  let i = 0;
  for (const s of steps) {
    if (s.sent === 'if' && sent[i] !== s.command) continue;
    out.push(s.command!);
    i++;
  }
  return out;
}

/** The installer's session: from the first command to its `poweroff`. */
function installerSession(log: string): string[] {
  const cmds = parseSshLog(log).map((c) => c.command);
  return cmds.slice(0, cmds.indexOf('poweroff') + 1);
}

describe('the runbook and the recorded debian run of blog-xps13', () => {
  it('is a passed run of blog-xps13 on debian (else re-record it)', () => {
    expect([results.scenario, results.guest, results.status]).toEqual(['blog-xps13', 'debian', 'passed']);
  });

  it('the installer was sent exactly the runbook\'s commands, in the same order', () => {
    const sent = installerSession(sshLog);
    expect(sent.length).toBeGreaterThan(30);
    expect(sent).toEqual(expectedFor(recordedBook, INSTALLER, sent));
  });

  it('today\'s plan gives the runbook the run followed (else the fixture is older than the commands)', () => {
    const sent = installerSession(sshLog);
    expect(sent, `the recorded run sent other commands than today's plan gives: re-record it:\n  ${RERECORD}`).toEqual(expectedFor(book, INSTALLER, sent));
  });

  it('the first boot ran the runbook\'s copies into /persist in order, then the reboot', () => {
    const cmds = parseSshLog(sshLog).map((c) => c.command);
    const firstBoot = cmds.slice(cmds.indexOf('poweroff') + 1, cmds.indexOf('systemctl reboot') + 1);
    const wanted = sentSteps({ ...recordedBook, sections: recordedBook.sections.filter((s) => s.id === 'first-boot') }).map((s) => s.command!);
    let at = 0;
    for (const w of wanted) {
      const i = firstBoot.indexOf(w, at);
      expect(i, `first boot: \`${w}\` after position ${at}`).toBeGreaterThanOrEqual(at);
      at = i + 1;
    }
    expect(firstBoot.at(-1)).toBe('systemctl reboot');
  });

  it('every sent step ran with exit 0 there, and the book says which run proved it', async () => {
    const proved = (await runbookFromRun(FIXTURE, book))!;
    expect(proved.provenance).toMatchObject({ scenario: 'blog-xps13', guest: 'debian', status: 'passed', unseen: 0 });
    expect(proved.provenance!.kernelRelease).toMatch(/^\d+\.\d+/);
    // A command the scenario declares to fail (e.g. the blog's cp of seen-bssids under QEMU) fails there.
    const declared = new Set(plan.expectedCommandFailures.map((c) => c.command));
    for (const s of sentSteps(proved)) {
      if (s.sent === 'if') expect(['ran', 'not-run']).toContain(s.run!.status);
      else if (declared.has(s.command!)) expect(s.run?.exitCode, `${s.id} ${s.title}`).not.toBe(0);
      else expect(s.run, `${s.id} ${s.title}`).toMatchObject({ status: 'ran', exitCode: 0 });
    }
  });

  it('the run\'s procedure.json has the plan\'s steps and files (the report shows what ran)', async () => {
    const shape = (b: Runbook) => sentSteps(b).map((s) => ({ id: s.id, command: s.command, file: s.file, stdin: s.stdin }));
    expect(shape(recordedBook), `procedure.json differs from today's plan: re-record the fixture:\n  ${RERECORD}`).toEqual(shape(book));
  });

  it('shows no secret, in Markdown, the script or the report\'s section', async () => {
    const proved = (await runbookFromRun(FIXTURE, book))!;
    const texts = [renderMarkdown(proved), renderScript(proved), procedureSection(proved), sshLog];
    for (const t of texts) for (const s of plan.secrets) expect(t).not.toContain(s);
    expect(renderMarkdown(proved)).toContain('<passphrase>');
  });
});

describe('the comparison can fail', () => {
  it('a command missing from the log, or one in another order, makes the sequences differ', () => {
    const sent = installerSession(sshLog);
    const dropped = sent.filter((c) => !c.startsWith('mkswap '));
    expect(dropped).not.toEqual(expectedFor(book, INSTALLER, dropped));
    const swapped = [...sent];
    const i = swapped.findIndex((c) => c.startsWith('mkswap '));
    [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
    expect(swapped).not.toEqual(expectedFor(book, INSTALLER, swapped));
  });

  it('a failed command is marked failed with its output, and what follows as not run', () => {
    const cut = sshLog.indexOf('$ mkswap ');
    const failed = `${sshLog.slice(0, cut)}$ mkswap /dev/nvme0n1p2\nmkswap: cannot open /dev/nvme0n1p2: No such file or directory\n# exit 1 (40 ms)\n`;
    const r = { ...results, status: 'error', phases: results.phases.filter((p) => ['image', 'boot-installer', 'partition', 'encrypt'].includes(p.name)).concat([{ name: 'format', status: 'error', error: '`mkswap /dev/nvme0n1p2` exited 1' }]) };
    const proved = annotateWithRun(book, { folder: 'x', results: r, ssh: failed });
    const steps = proved.sections.flatMap((s) => s.steps);
    expect(steps.find((s) => s.title === 'mkswap')!.run).toMatchObject({ status: 'failed', exitCode: 1, detail: expect.stringContaining('No such file') });
    expect(steps.find((s) => s.title === 'mkfs.btrfs')!.run!.status).toBe('not-run');
    expect(proved.sections.find((s) => s.id === 'format')!.run).toMatchObject({ status: 'error' });
    expect(renderMarkdown(proved)).toContain('✗ FAILED (exit 1, 40 ms)');
    expect(procedureSection(proved)).toMatch(/class="proc-step run-failed" id="step-format-2">.*No such file/s);
  });
});
