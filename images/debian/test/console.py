#!/usr/bin/env python3
"""Serial console helper for the by-hand image tests (not the harness).

console.py SOCK [--pass PW] [--wrong-first] [--until REGEX] [--timeout S]
Connects to QEMU's serial unix socket, prints every line with the seconds since
start, answers cryptsetup's passphrase prompt (optionally with a wrong
passphrase first) and exits 0 when REGEX is seen, 1 on timeout or EOF.
The passphrase is read from the environment variable DARLINGS_PASS if --pass is
not given, so it need not appear in argv.
"""
import argparse, os, re, socket, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("sock")
ap.add_argument("--pass", dest="pw", default=os.environ.get("DARLINGS_PASS", ""))
ap.add_argument("--wrong-first", action="store_true")
ap.add_argument("--until", default=r"darlings-ready: \w+")
ap.add_argument("--timeout", type=float, default=600)
a = ap.parse_args()

s = socket.socket(socket.AF_UNIX)
for _ in range(300):
    try:
        s.connect(a.sock)
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("cannot connect to " + a.sock)
s.settimeout(0.5)
t0 = time.time()
line, window, answered = b"", b"", 0
ansi = re.compile(rb"\x1b\[[0-9;?=]*[A-Za-z]")
while time.time() - t0 < a.timeout:
    try:
        d = s.recv(4096)
    except socket.timeout:
        continue
    if not d:
        sys.exit(1)
    line += d
    window = (window + d)[-4096:]
    while b"\n" in line:
        l, line = line.split(b"\n", 1)
        l = ansi.sub(b"", l).rstrip()
        if l:
            print("%7.2f %s" % (time.time() - t0, l.decode(errors="replace")), flush=True)
    if re.search(rb"Enter passphrase for \S+: ?$", window):
        wrong = a.wrong_first and answered == 0
        print("%7.2f [console.py answers the passphrase prompt%s]" % (time.time() - t0, " (wrong)" if wrong else ""), flush=True)
        s.sendall((b"not-the-passphrase" if wrong else a.pw.encode()) + b"\n")
        answered += 1
        window = b""
    if re.search(a.until.encode(), window):
        print("%7.2f [seen %s]" % (time.time() - t0, a.until), flush=True)
        sys.exit(0)
sys.exit(1)
