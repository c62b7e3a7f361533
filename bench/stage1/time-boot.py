#!/usr/bin/env python3
# Measures one boot of a checkpoint: python3 bench/stage1/time-boot.py CKPT_DIR LABEL >> /tmp/stage1-timing.jsonl
# (run under flock /tmp/darlings-vm.lock); then python3 bench/stage1/table.py prints the table of docs/systemd-stage1.md.
"""dev/measure only: boot a darlings checkpoint (installed system after its first boot) under OVMF
like the harness does (TCG, same CPU, 1 GiB, 2 cores), timestamp every serial line on the host,
type the passphrase at the prompt, stop at the login prompt. Prints the phase times."""
import os, re, select, subprocess, sys, tempfile, time, json, shutil
ckpt, label = sys.argv[1], sys.argv[2]
passphrase = 'correct horse battery staple'
d = tempfile.mkdtemp(prefix='sd-time-')
subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', f'{ckpt}/nvme0.qcow2', f'{d}/nvme0.qcow2'], check=True)
shutil.copy(f'{ckpt}/OVMF_VARS.fd', f'{d}/OVMF_VARS.fd'); os.chmod(f'{d}/OVMF_VARS.fd', 0o600)
cmd = ['qemu-system-x86_64', '-machine', 'q35,accel=tcg', '-cpu', 'qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+aes,+pclmulqdq', '-m', '1024', '-smp', '2',
       '-drive', 'if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd', '-drive', f'if=pflash,format=raw,unit=1,file={d}/OVMF_VARS.fd',
       '-drive', f'if=none,id=nvme0,format=qcow2,file={d}/nvme0.qcow2,discard=unmap', '-device', 'nvme,serial=S4DYNF0M000001,drive=nvme0,bootindex=2',
       '-netdev', 'user,id=net0', '-device', 'virtio-net-pci,netdev=net0', '-serial', 'stdio', '-monitor', 'none', '-display', 'none', '-vga', 'std',
       '-no-user-config', '-nodefaults', '-no-reboot']
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
t0 = time.time(); buf = b''; marks = {}; log = []
MARKS = [('loader', rb'BdsDxe: starting'), ('prompt', rb'(Please enter passphrase for disk|Enter passphrase for) [^\n]*: ?'),
         ('rollback-begin', rb'darlings-initrd: rollback begin'), ('rollback-end', rb'darlings-initrd: rollback end'),
         ('switch-root', rb'darlings-initrd: switching root'), ('login', rb'login: ?$')]
pending = b''
try:
    while time.time() < t0 + 300 and 'login' not in marks:
        r, _, _ = select.select([p.stdout], [], [], 1)
        if not r:
            if p.poll() is not None: break
            continue
        chunk = os.read(p.stdout.fileno(), 4096)
        if not chunk: break
        now = time.time() - t0
        pending += chunk
        log.append(f'[{now:7.2f}] ' + chunk.decode('utf8', 'replace'))
        for name, rx in MARKS:
            if name not in marks and re.search(rx, pending, re.M):
                marks[name] = now
                if name == 'prompt':
                    time.sleep(0.3); p.stdin.write(passphrase.encode() + b'\r'); p.stdin.flush(); marks['typed'] = time.time() - t0
        pending = pending[-4096:]
finally:
    p.kill(); p.wait()
    open(f'/tmp/stage1-time-{label}.log', 'w').write(''.join(log))
    shutil.rmtree(d)
print(json.dumps({'label': label, **{k: round(v, 2) for k, v in marks.items()}}))
