/**
 * The report's "Procedure" section: the runbook this run followed (its procedure.json), each step
 * with what the run's ssh.log shows it did, and a copy button per step. The same content as
 * `darlings runbook --from-run`; the text to copy is the step as a person types it.
 */
import { diskLines, personCommand, withDiskVars } from '../../runbook/display.ts';
import type { Runbook, RunbookStep, StepRun } from '../../runbook/model.ts';
import { provenanceLines, runLine } from '../../runbook/markdown.ts';
import { esc } from './escape.ts';

const RUN_CLASS: Record<StepRun['status'], string> = {
  ran: 'ok', passed: 'ok', failed: 'bad', 'expected-failure': 'xfail', 'not-run': 'dim', skipped: 'dim',
};

/** `code` spans and **bold** of the runbook's one-line texts, everything else escaped. */
function inline(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>');
}

function copyBlock(id: string, text: string): string {
  return `<div class="proc-cmd"><button type="button" class="copy" data-copy="${esc(id)}" title="Copy to the clipboard">Copy</button><pre id="${esc(id)}">${esc(text)}</pre></div>`;
}

function runBadge(run?: StepRun): string {
  if (!run) return '';
  const detail = run.detail && run.status !== 'ran' ? `<pre class="proc-detail">${esc(run.detail)}</pre>` : '';
  return `<div class="proc-run ${RUN_CLASS[run.status]}">${esc(runLine(run))}</div>${detail}`;
}

function step(book: Runbook, n: string, s: RunbookStep): string {
  const cmd = personCommand(s, book.disk, 'md');
  const body = cmd !== undefined ? copyBlock(`proc-${s.id}`, cmd) : `<p class="dim">${s.console ? 'At the console, not a shell command.' : 'Nothing to type: the harness\'s own.'}</p>`;
  const guest = s.guest ? ` <span class="proc-guest">${esc(s.guest)} only</span>` : '';
  const note = s.note ? `<p class="${s.provisional ? 'proc-provisional' : 'dim'}">${s.provisional ? '⚠ ' : ''}${inline(s.note)}</p>` : '';
  return `<li class="proc-step${s.run ? ` run-${esc(s.run.status)}` : ''}" id="step-${esc(s.id)}"><div class="proc-title"><b>${esc(n)}</b> ${inline(withDiskVars(s.title, book.disk))}${guest}</div>${note}${body}${runBadge(s.run)}</li>`;
}

/** The section, or '' for a folder without procedure.json (runs before it existed). */
export function procedureSection(book: Runbook | undefined): string {
  if (!book) return '';
  const sections = book.sections.map((sec, i) => {
    const bad = sec.run && sec.run.status !== 'passed' ? `<p class="proc-phase-${esc(sec.run.status)}"><b>This run: ${esc(sec.run.status)}</b>${sec.run.error ? `: ${esc(sec.run.error.split('\n')[0])}` : ''}</p>` : '';
    return `<details class="proc-sec" open><summary>${i + 1}. ${esc(sec.title)}</summary>${sec.intro ? `<p>${inline(sec.intro)}</p>` : ''}${bad}
<ol class="proc-steps">${sec.steps.map((s, j) => step(book, `${i + 1}.${j + 1}`, s)).join('\n')}</ol></details>`;
  });
  const checks = book.checks.map((c) => {
    const cmds = c.see?.length ? copyBlock(`proc-check-${c.id}`, c.see.join('\n')) : '<p class="dim">The commands for this check are not listed yet (it has no <code>see</code>).</p>';
    return `<li class="proc-step${c.run ? ` run-${esc(c.run.status)}` : ''}"><div class="proc-title"><code>${esc(c.id)}</code>: ${inline(c.holds)}</div>${cmds}${c.run ? `<div class="proc-run ${RUN_CLASS[c.run.status]}">${esc(runLine(c.run))}${c.run.detail ? `: ${esc(c.run.detail.split('\n')[0])}` : ''}</div>` : ''}</li>`;
  });
  return `<section class="card" id="procedure"><h2>Procedure</h2>
${provenanceLines(book).map((l) => `<p>${inline(l)}</p>`).join('')}
<p>Secrets are placeholders (<code>&lt;passphrase&gt;</code>, <code>&lt;password&gt;</code>), fed on stdin. The same text: <code>darlings runbook &lt;scenario&gt; --guest ${esc(book.guest)} --from-run &lt;this folder&gt;</code>.</p>
${copyBlock('proc-disk', diskLines(book.disk).join('\n'))}
${sections.join('\n')}
<details class="proc-sec" open><summary>${book.sections.length + 1}. Checks</summary><ol class="proc-steps">${checks.join('\n')}</ol></details>
</section>`;
}

export const PROCEDURE_CSS = `
#procedure .proc-sec{margin:.4em 0}#procedure .proc-sec>summary{font-weight:600;cursor:pointer;padding:.2em 0}
#procedure .proc-steps{list-style:none;padding-left:0;margin:.3em 0}
#procedure .proc-step{border-left:3px solid #d0d7de;padding:.2em .6em;margin:.5em 0}
#procedure .proc-step.run-ran,#procedure .proc-step.run-passed{border-left-color:#1a7f37}
#procedure .proc-step.run-failed{border-left-color:#cf222e;background:#fff5f5}
#procedure .proc-step.run-expected-failure{border-left-color:#9a6700}
#procedure .proc-step.run-not-run,#procedure .proc-step.run-skipped{border-left-color:#8c959f}
#procedure .proc-cmd{position:relative}#procedure .proc-cmd pre{background:#f6f8fa;padding:.5em 4.5em .5em .6em;overflow-x:auto;margin:.3em 0;white-space:pre}
#procedure .copy{position:absolute;top:.3em;right:.3em;font-size:.8em;cursor:pointer}
#procedure .proc-guest{font-size:.75em;background:#ddf4ff;border-radius:1em;padding:0 .5em}
#procedure .proc-provisional{color:#9a6700}#procedure .proc-run{font-size:.85em}
#procedure .proc-run.ok{color:#1a7f37}#procedure .proc-run.bad{color:#cf222e;font-weight:600}#procedure .proc-run.xfail{color:#9a6700}#procedure .proc-run.dim{color:#57606a}
#procedure .proc-detail{background:#fff5f5;font-size:.8em;max-height:12em;overflow:auto}
`;

/** Copy buttons: the clipboard API where the page may use it, else a selected textarea (file://). */
export const PROCEDURE_JS = String.raw`
(function () {
  'use strict';
  function fallback(text) {
    var ta = document.createElement('textarea');
    ta.value = text; ta.setAttribute('readonly', ''); ta.style.position = 'fixed'; ta.style.opacity = '0';
    document.body.appendChild(ta); ta.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    return ok;
  }
  document.addEventListener('click', function (e) {
    var b = e.target && e.target.closest ? e.target.closest('button.copy') : null;
    if (!b) return;
    var pre = document.getElementById(b.getAttribute('data-copy'));
    if (!pre) return;
    var text = pre.textContent;
    function done(ok) { b.textContent = ok ? 'Copied' : 'Select and copy'; b.setAttribute('data-copied', ok ? 'yes' : 'no'); setTimeout(function () { b.textContent = 'Copy'; }, 1500); }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallback(text)); });
    else done(fallback(text));
  });
})();
`;
