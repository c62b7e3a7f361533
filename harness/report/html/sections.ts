/**
 * The parts of report.html, each a pure function from the folder's data to an HTML string.
 */
import { checkOk, countChecks } from '../format.ts';
import { formatDuration } from '../../util/duration.ts';
import type { CheckResult, RunResult } from '../results.ts';
import { esc, fileHref, idFor } from './escape.ts';
import { groupByTopFolder, type RunFolder, type TextArtifact } from './folder.ts';

/** Lines shown around a check's moment in the serial log. */
const CONTEXT_LINES = 5;

/** Guest identity, loud on purpose: a debian stand-in run must never pass for a NixOS one. */
export function guestBadge(guest: string): string {
  const label = guest === 'nixos' ? 'NixOS' : guest === 'debian' ? 'Debian stand-in' : guest;
  return `<span class="guest guest-${esc(guest)}" data-guest="${esc(guest)}">${esc(label)}</span>`;
}

export function statusPill(status: string): string {
  return `<span class="pill pill-${esc(status)}">${esc(status)}</span>`;
}

export function header(f: RunFolder): string {
  const r = f.result;
  const n = countChecks(r.checks);
  const guestLong = r.guest === 'debian' ? 'debian: Debian 12 stand-in for NixOS (not NixOS)' : r.guest === 'nixos' ? 'nixos: real NixOS' : r.guest;
  const meta: [string, string | undefined][] = [
    ['Guest', guestLong],
    ['Profile', r.profile],
    ['Kernel', r.kernel],
    ['Accel', r.accel === 'tcg' ? 'tcg (software emulation)' : r.accel],
    ['QEMU', r.host?.qemuVersion],
    ['Host', [r.host?.hostname, r.host?.platform].filter(Boolean).join(' · ') || undefined],
    ['Started', r.startedAt ? r.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : undefined],
    ['Duration', formatDuration(r.durationMs)],
  ];
  const counts = [
    `<span class="c-pass">${n.passed} passed</span>`,
    n.failed ? `<span class="c-fail">${n.failed} failed</span>` : `<span>0 failed</span>`,
    `<span class="c-skip">${n.skipped} skipped</span>`,
    n.expected ? `<span class="c-xfail">${n.expected} expected failure${n.expected > 1 ? 's' : ''}</span>` : '',
  ].filter(Boolean).join(' · ');
  return `<header class="top guest-top-${esc(r.guest)}">
  <div class="brand">darlings · run report</div>
  <h1><span class="scenario">${esc(r.scenario)}</span> ${guestBadge(r.guest)} ${statusPill(r.status)}</h1>
  <p class="counts">Checks: ${counts}</p>
  <dl class="meta">${meta.filter(([, v]) => v).map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>
  ${r.error ? `<pre class="run-error">${esc(r.error)}</pre>` : ''}
</header>`;
}

export function nav(f: RunFolder): string {
  const links: [string, string, boolean][] = [
    ['timeline', 'Timeline', true],
    ['checks', 'Checks', true],
    ['serial', 'Serial logs', f.serial.length > 0],
    ['screenshots', 'Screenshots', f.screenshots.length > 0],
    ['fs-diff', 'fs-diff', !!f.fsDiff],
    ['dmesg', 'dmesg', f.dmesg.length > 0],
    ['ssh-log', 'SSH', !!f.ssh],
    ['artifacts', 'Files', true],
  ];
  return `<nav class="toc">${links.filter((l) => l[2]).map(([id, t]) => `<a href="#${id}">${t}</a>`).join('')}</nav>`;
}

/** Phases, boots and check moments as bars on one time axis, to scale. */
export function timeline(r: RunResult): string {
  let cursor = 0;
  const phases = r.phases.map((p) => {
    const start = p.startMs ?? cursor;
    cursor = start + p.durationMs;
    return { ...p, start };
  });
  const boots = [...(r.boots ?? [])].sort((a, b) => a.startMs - b.startMs);
  const total = Math.max(r.durationMs, cursor, ...boots.map((b) => b.startMs), 1);
  const pct = (ms: number): number => Math.min(100, Math.max(0, (ms / total) * 100));
  const step = tickStep(total);
  const ticks: string[] = [];
  for (let t = 0; t <= total; t += step) ticks.push(`<span class="tick" style="left:${pct(t).toFixed(3)}%">${esc(tickLabel(t))}</span>`);
  const grid = `style="--tick:${((step / total) * 100).toFixed(4)}%"`;

  const bar = (start: number, dur: number, cls: string, title: string, text: string, href?: string): string => {
    const left = pct(start);
    const width = Math.max(pct(start + dur) - left, 0.25);
    const tag = href ? `a href="${esc(href)}"` : 'div';
    const end = tag.split(' ')[0];
    const labelPos = left + width > 80 ? `right:${(100 - left + 0.6).toFixed(3)}%` : `left:calc(${(left + width).toFixed(3)}% + 6px)`;
    return `<${tag} class="bar ${cls}" style="left:${left.toFixed(3)}%;width:${width.toFixed(3)}%" title="${esc(title)}"></${end}><span class="bar-t" style="${labelPos}">${esc(text)}</span>`;
  };
  const row = (label: string, sub: string, track: string, cls = ''): string =>
    `<div class="tl-row ${cls}"><div class="tl-lab" title="${esc(label.replace(/<[^>]*>/g, ''))}"><span class="nm">${label}</span><span class="d">${esc(sub)}</span></div><div class="tl-track" ${grid}>${track}</div></div>`;

  const bootRows = boots.map((b, i) => {
    const end = boots[i + 1]?.startMs ?? total;
    return row(`<a href="#serial-${b.index}">boot ${b.index}</a> ${esc(b.label)}`, formatDuration(end - b.startMs),
      bar(b.startMs, end - b.startMs, 'boot', `boot ${b.index}: ${b.label}`, `boot ${b.index}`, `#serial-${b.index}`), 'tl-boot');
  });
  const phaseRows = phases.map((p) =>
    row(`${p.status === 'passed' ? '' : '<b class="x">✗</b> '}${esc(p.name)}`, formatDuration(p.durationMs),
      bar(p.start, p.durationMs, p.status, `${p.name}: ${p.status}, ${formatDuration(p.durationMs)}${p.error ? ` — ${p.error}` : ''}`, formatDuration(p.durationMs)),
      p.status === 'passed' ? '' : 'tl-failed'));
  const timed = r.checks.filter((c) => c.atMs !== undefined);
  const checkRow = timed.length === 0 ? '' : row('check results', `${timed.length}`, timed.map((c) => {
    const cls = c.status === 'skipped' ? 'skipped' : checkOk(c) ? 'passed' : 'failed';
    return `<a class="mark ${cls}" href="#${esc(idFor('check', c.id))}" style="left:${pct(c.atMs!).toFixed(3)}%" title="${esc(`${c.id}: ${c.status} at ${formatDuration(c.atMs!)}`)}"></a>`;
  }).join(''), 'tl-checks');

  return `<section id="timeline" class="card"><h2>Timeline <small>${esc(formatDuration(total))} in all · bars to scale</small></h2>
<div class="tl">
<div class="tl-row tl-axis"><div class="tl-lab"></div><div class="tl-track">${ticks.join('')}</div></div>
${bootRows.length ? `<div class="tl-group">Boots</div>${bootRows.join('\n')}` : ''}
<div class="tl-group">Phases</div>${phaseRows.join('\n')}
${checkRow}
</div></section>`;
}

/** A round step giving at most ~8 ticks. */
function tickStep(totalMs: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);
  return steps.find((s) => totalMs / s <= 8) ?? 7200_000;
}

function tickLabel(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : s % 60 === 0 ? `${s / 60}m` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}`;
}

/** Failed first, then expected failures, passes, skips: what needs eyes comes first. */
export function checksTable(r: RunResult): string {
  const rank = (c: CheckResult): number => (!checkOk(c) ? 0 : c.status === 'skipped' ? 3 : c.expectedFailure ? 1 : 2);
  const sorted = r.checks.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
  const rows = sorted.map((c) => {
    const ok = checkOk(c);
    const icon = c.status === 'skipped' ? '<span class="ico skip" title="skipped">−</span>'
      : ok ? '<span class="ico pass" title="passed">✓</span>' : '<span class="ico fail" title="failed">✗</span>';
    const tags = [
      c.expectedFailure ? `<span class="tag xfail">${ok ? 'expected failure' : 'expected to fail, passed'}</span>` : '',
      `<span class="tag st-${esc(c.status)}">${esc(c.status)}</span>`,
    ].join('');
    const cls = c.status === 'skipped' ? 'skipped' : ok ? (c.expectedFailure ? 'xfail' : 'passed') : 'failed';
    return `<tr id="${esc(idFor('check', c.id))}" class="${cls}"><td>${icon}</td><td class="cid"><code>${esc(c.id)}</code>${tags}</td><td class="msg">${esc(c.message) || '<span class="dim">—</span>'}</td><td class="where">${whereLink(c, r)}</td></tr>`;
  });
  return `<section id="checks" class="card"><h2>Checks <small>${r.checks.length}</small></h2>
<table class="checks"><thead><tr><th></th><th>Check</th><th>Message</th><th>When</th></tr></thead><tbody>
${rows.join('\n') || '<tr><td colspan="4" class="dim">No checks ran.</td></tr>'}
</tbody></table></section>`;
}

/** Link to the serial lines around a check's moment, when results say where that is. */
function whereLink(c: CheckResult, r: RunResult): string {
  if (c.serial) {
    const { boot, line } = c.serial;
    const from = Math.max(1, line - CONTEXT_LINES);
    return `<a class="loglink" href="#serial-${boot}-L${from}-L${line + CONTEXT_LINES}" data-focus="serial-${boot}-L${line}">serial-${boot}.log:${line}</a>`;
  }
  if (c.atMs !== undefined) {
    const boot = [...(r.boots ?? [])].filter((b) => b.startMs <= c.atMs!).at(-1);
    const at = esc(formatDuration(c.atMs));
    return boot ? `<a class="loglink" href="#serial-${boot.index}">${at} · boot ${boot.index}</a>` : at;
  }
  return '';
}

/** One searchable text artifact with line anchors (`#serial-2-L120`). */
export function logViewer(a: TextArtifact, open: boolean): string {
  const width = String(a.lines.length).length;
  const lines = a.lines.map((t, i) => {
    const id = `${a.id}-L${i + 1}`;
    return `<span class="ln" id="${id}"><a class="no" href="#${id}">${String(i + 1).padStart(width, ' ')}</a><span class="t">${esc(t)}</span></span>`;
  });
  return `<details class="log" id="${esc(a.id)}" ${open ? 'open' : ''}>
<summary><span class="log-title">${esc(a.title)}</span> <span class="dim">${esc(a.file)} · ${a.lines.length} lines${a.truncated ? ' (truncated)' : ''}</span> <a class="raw" href="${fileHref(a.file)}">raw</a></summary>
<div class="log-tools"><input type="search" class="log-search" data-log="${esc(a.id)}" placeholder="Search ${esc(a.file)}… (Enter: next)" aria-label="Search ${esc(a.file)}"><span class="log-count" aria-live="polite"></span>
<label><input type="checkbox" class="log-only"> only matching lines</label></div>
<pre class="logbody">${lines.join('')}</pre>
${a.truncated ? `<p class="dim">The log is longer; open the <a href="${fileHref(a.file)}">raw file</a>.</p>` : ''}
</details>`;
}

export function logsSection(id: string, title: string, logs: TextArtifact[], intro = ''): string {
  if (logs.length === 0) return '';
  return `<section id="${id}" class="card"><h2>${esc(title)}</h2>${intro}${logs.map((l, i) => logViewer(l, i === logs.length - 1 || logs.length <= 2)).join('\n')}</section>`;
}

export function screenshotsSection(f: RunFolder): string {
  if (f.screenshots.length === 0) return '';
  const figs = f.screenshots.map((s) => `<figure><a href="${fileHref(s.file)}"><img src="${esc(s.src)}" alt="${esc(s.file)}"></a><figcaption>${esc(s.file)}</figcaption></figure>`);
  return `<section id="screenshots" class="card"><h2>Screenshots</h2><div class="shots">${figs.join('')}</div></section>`;
}

export function fsDiffSection(lines: string[] | undefined): string {
  if (!lines) return '';
  const groups = [...groupByTopFolder(lines)];
  const body = groups.map(([top, paths]) => `<details class="fsg" open><summary><code>${esc(top)}</code> <span class="dim">${paths.length}</span></summary><ul>${paths
    .map((p) => `<li><code>${p.startsWith(top) && top !== 'other' ? `<span class="dim">${esc(top)}</span>${esc(p.slice(top.length))}` : esc(p)}</code></li>`).join('')}</ul></details>`);
  return `<section id="fs-diff" class="card"><h2>fs-diff <small>${lines.length} paths written on / since the blank snapshot · <a href="fs-diff.txt">raw</a></small></h2><div class="fsd">${body.join('')}</div></section>`;
}

export function artifactsSection(f: RunFolder): string {
  const rows = f.files.map((x) => `<li><a href="${fileHref(x.name)}">${esc(x.name)}</a> <span class="dim">${esc(size(x.bytes))}</span></li>`);
  return `<section id="artifacts" class="card"><h2>Files in this folder</h2><ul class="files">${rows.join('')}</ul></section>`;
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
