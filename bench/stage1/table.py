import json, re
rows = [json.loads(l) for l in open('/tmp/stage1-timing.jsonl') if l.startswith('{')]
HOST = re.compile(r'\[ {0,6}(\d+\.\d{2})\] ')
def kstart(label):
    raw = open(f'/tmp/stage1-time-{label}.log', errors='replace').read()
    parts = HOST.split(raw)  # ['', t, chunk, t, chunk, ...]
    text, times = '', []
    for i in range(1, len(parts) - 1, 2):
        t, c = float(parts[i]), parts[i + 1]
        text += c; times += [t] * len(c)
    est = [times[m.end() - 1] - float(m.group(1)) for m in re.finditer(r'\[ *(\d+\.\d{6})\] ', text)]
    return min(est) if est else None
out = ['| boot | loader→prompt | of which kernel→prompt | typed→rollback begin (unlock) | rollback | rollback end→switch-root (mounts, activation) | switch-root→login prompt | loader→login prompt |', '|' + '---|' * 8]
for r in rows:
    k = kstart(r['label'])
    f = lambda a, b: f"{r[b]-r[a]:.1f} s" if a in r and b in r else '–'
    kp = f"{r['prompt']-k:.1f} s" if k else '– (no kernel-stamped line)'
    out.append(f"| {r['label']} | {f('loader','prompt')} | {kp} | {f('typed','rollback-begin')} | {f('rollback-begin','rollback-end')} | {f('rollback-end','switch-root')} | {f('switch-root','login')} | {f('loader','login')} |")
print('\n'.join(out))
