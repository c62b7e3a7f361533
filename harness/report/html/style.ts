/**
 * The page's CSS, inlined: the report opens from disk and offline, so no external asset at all.
 * Guest colours: Debian red, NixOS blue, used for the header stripe and the badge, so which guest
 * ran is visible at a glance.
 */
export const CSS = String.raw`
:root { --bg:#f4f5f7; --card:#fff; --ink:#1f2328; --dim:#667085; --line:#e4e7ec;
  --pass:#1a7f37; --pass-bg:#dafbe1; --fail:#cf222e; --fail-bg:#ffebe9; --skip:#9a6700; --skip-bg:#fff8c5;
  --xfail:#8250df; --xfail-bg:#fbefff; --boot:#6366f1; --debian:#c70036; --nixos:#5277c3; --sel:#fff3b0; }
* { box-sizing: border-box; }
html { scroll-padding-top: 56px; }
body { margin:0; background:var(--bg); color:var(--ink); font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; }
a { color:#0969da; text-decoration:none; } a:hover { text-decoration:underline; }
code, pre, .mono { font-family: ui-monospace,SFMono-Regular,"DejaVu Sans Mono",Menlo,Consolas,monospace; font-size:12.5px; }
.dim { color:var(--dim); }
main { max-width:1200px; margin:0 auto; padding:0 20px 40px; }
header.top { background:var(--card); border-top:6px solid var(--dim); border-bottom:1px solid var(--line); padding:18px 28px 14px; }
header.guest-top-debian { border-top-color:var(--debian); background:linear-gradient(180deg,#fff5f7 0,#fff 70px); }
header.guest-top-nixos { border-top-color:var(--nixos); background:linear-gradient(180deg,#f2f6ff 0,#fff 70px); }
.brand { color:var(--dim); font-size:12px; letter-spacing:.06em; text-transform:uppercase; }
h1 { margin:4px 0 6px; font-size:26px; display:flex; align-items:center; gap:12px; flex-wrap:wrap; }
h1 .scenario { font-weight:700; }
.guest { font-size:13px; font-weight:700; padding:3px 10px; border-radius:6px; color:#fff; letter-spacing:.02em; }
.guest-debian { background:var(--debian); } .guest-nixos { background:var(--nixos); }
.pill { font-size:12px; font-weight:700; padding:3px 10px; border-radius:999px; text-transform:uppercase; letter-spacing:.05em; }
.pill-passed { background:var(--pass-bg); color:var(--pass); } .pill-failed, .pill-error { background:var(--fail-bg); color:var(--fail); }
.counts { margin:0 0 10px; color:var(--dim); } .c-pass { color:var(--pass); font-weight:600; } .c-fail { color:var(--fail); font-weight:700; }
.c-skip { color:var(--skip); } .c-xfail { color:var(--xfail); }
dl.meta { display:grid; grid-template-columns:repeat(auto-fill,minmax(230px,1fr)); gap:6px 24px; margin:0; }
dl.meta div { min-width:0; } dt { font-size:11px; color:var(--dim); text-transform:uppercase; letter-spacing:.05em; }
dd { margin:0; font-weight:500; overflow-wrap:anywhere; }
.run-error { margin:12px 0 0; padding:8px 12px; background:var(--fail-bg); color:var(--fail); border-radius:6px; white-space:pre-wrap; }
nav.toc { position:sticky; top:0; z-index:5; background:rgba(244,245,247,.94); backdrop-filter:blur(4px); border-bottom:1px solid var(--line);
  padding:8px 28px; display:flex; gap:18px; flex-wrap:wrap; font-weight:500; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 20px; margin-top:18px; }
h2 { margin:0 0 12px; font-size:17px; } h2 small { color:var(--dim); font-weight:400; font-size:13px; margin-left:6px; }
/* Timeline: a label column and a track; grid lines every tick via a repeating gradient. */
.tl { --lab:270px; }
.tl-row { display:grid; grid-template-columns:var(--lab) 1fr; align-items:center; min-height:24px; }
.tl-row:not(.tl-axis):hover { background:#f6f8fa; }
.tl-lab { padding-right:12px; white-space:nowrap; display:flex; gap:8px; align-items:baseline; min-width:0; }
.tl-lab .nm { overflow:hidden; text-overflow:ellipsis; min-width:0; }
.tl-lab .d { margin-left:auto; flex:none; color:var(--dim); font-size:12px; font-variant-numeric:tabular-nums; }
.tl-track { position:relative; height:24px; background-image:repeating-linear-gradient(to right,#eaecf0 0 1px,transparent 1px var(--tick,10%)); }
.tl-axis .tl-track { background:none; height:20px; border-bottom:1px solid var(--line); }
.tick { position:absolute; bottom:2px; font-size:11px; color:var(--dim); transform:translateX(-50%); font-variant-numeric:tabular-nums; }
.tick:first-child { transform:none; }
.tl-group { font-size:11px; text-transform:uppercase; letter-spacing:.06em; color:var(--dim); margin:10px 0 2px; }
.bar { position:absolute; top:5px; height:14px; border-radius:3px; background:#2da44e; min-width:3px; display:block; }
.bar.failed, .bar.error { background:var(--fail); } .bar.error { background-image:repeating-linear-gradient(45deg,transparent 0 5px,rgba(255,255,255,.3) 5px 10px); }
.bar.boot { background:var(--boot); opacity:.85; }
.bar-t { position:absolute; top:4px; font-size:11.5px; color:var(--dim); white-space:nowrap; font-variant-numeric:tabular-nums; }
.tl-failed .tl-lab { color:var(--fail); font-weight:600; } .x { color:var(--fail); }
.mark { position:absolute; top:6px; width:10px; height:10px; margin-left:-5px; transform:rotate(45deg); border-radius:2px; background:#2da44e; border:1px solid #fff; }
.mark.failed { background:var(--fail); z-index:2; width:12px; height:12px; margin-left:-6px; top:5px; } .mark.skipped { background:#bbb; }
/* Checks */
table.checks { width:100%; border-collapse:collapse; }
.checks th { text-align:left; font-size:12px; color:var(--dim); font-weight:500; border-bottom:1px solid var(--line); padding:6px 8px; }
.checks td { border-bottom:1px solid var(--line); padding:7px 8px; vertical-align:top; }
.checks tr.failed td { background:var(--fail-bg); } .checks tr.failed td:first-child { box-shadow:inset 3px 0 var(--fail); }
.checks tr.xfail td:first-child { box-shadow:inset 3px 0 var(--xfail); }
.checks tr.skipped { color:var(--dim); }
.checks tr:target td { outline:2px solid #0969da; outline-offset:-2px; }
.cid { white-space:nowrap; } .cid code { font-weight:600; }
.msg { overflow-wrap:anywhere; } .where { white-space:nowrap; font-size:12.5px; }
.ico { font-weight:700; font-size:15px; } .ico.pass { color:var(--pass); } .ico.fail { color:var(--fail); } .ico.skip { color:var(--skip); }
.tag { display:inline-block; margin-left:8px; font-size:11px; padding:0 6px; border-radius:4px; border:1px solid var(--line); color:var(--dim); }
.tag.xfail { color:var(--xfail); border-color:#d8b9ff; background:var(--xfail-bg); }
.tag.gap { color:#9a6700; border-color:#d4a72c; background:#fff8c5; } .c-gap { color:#9a6700; } .reason { color:var(--muted, #57606a); font-size:.9em; }
.tag.st-failed { color:var(--fail); border-color:#ffcecb; } .tag.st-passed { display:none; }
/* Logs */
details.log { border:1px solid var(--line); border-radius:8px; margin-top:10px; overflow:hidden; }
details.log > summary { cursor:pointer; padding:8px 12px; background:#f6f8fa; display:flex; gap:10px; align-items:baseline; }
.log-title { font-weight:600; } .raw { margin-left:auto; font-size:12px; }
.log-tools { display:flex; gap:12px; align-items:center; padding:8px 12px; border-top:1px solid var(--line); border-bottom:1px solid var(--line); }
.log-search { flex:0 1 380px; padding:5px 9px; border:1px solid #d0d7de; border-radius:6px; font:inherit; }
.log-count { color:var(--dim); font-size:12px; min-width:90px; } .log-tools label { font-size:12px; color:var(--dim); }
pre.logbody { margin:0; max-height:560px; overflow:auto; background:#0d1117; color:#d6dde6; padding:8px 0; line-height:1.45; }
/* Grid, so a wrapped long line stays right of the line numbers. */
.ln { display:grid; grid-template-columns:4.4em 1fr; padding-right:12px; white-space:pre-wrap; overflow-wrap:anywhere; }
.ln .no { padding:0 10px 0 4px; margin-right:8px; text-align:right; color:#6e7681; user-select:none; border-right:1px solid #30363d; }
.ln:hover { background:#161b22; } .ln .no:hover { color:#c9d1d9; text-decoration:none; }
.ln.sel { background:#3b3212; } .ln.focus { background:#6b5310; box-shadow:inset 3px 0 #f2cc60; }
.ln.hit mark { background:#f2cc60; color:#111; border-radius:2px; } .ln.cur { background:#1f3a5f; }
pre.logbody.only .ln:not(.hit) { display:none; }
/* fs-diff, screenshots, files */
.fsd { columns:2 380px; column-gap:24px; }
.fsg { break-inside:avoid; margin-bottom:8px; } .fsg summary { cursor:pointer; } .fsg ul { margin:4px 0 0; padding-left:22px; }
.shots { display:flex; flex-wrap:wrap; gap:16px; }
figure { margin:0; } figure img { max-width:520px; width:100%; border:1px solid var(--line); border-radius:6px; image-rendering:auto; background:#000; }
figcaption { font-size:12px; color:var(--dim); }
ul.files { columns:3 220px; margin:0; padding-left:18px; }
footer { color:var(--dim); font-size:12px; text-align:center; margin-top:24px; }
/* index.html */
table.runs { width:100%; border-collapse:collapse; } .runs th, .runs td { text-align:left; padding:8px; border-bottom:1px solid var(--line); }
.runs th { font-size:12px; color:var(--dim); font-weight:500; } .runs td.num { font-variant-numeric:tabular-nums; }
@media print { nav.toc { display:none; } pre.logbody { max-height:none; } }
`;
