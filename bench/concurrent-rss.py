#!/usr/bin/env python3
"""Starts the given commands at once and reports their total peak memory.

Usage: concurrent-rss.py N CMD [ARG...]   (runs CMD N times in parallel; "{i}" in an ARG becomes the index)

Every 20 ms it sums VmRSS over the started processes and all their descendants (tools they spawn
count too) and keeps the highest sum. Prints one JSON line: {"n", "ok", "wall_s", "peak_rss_kib"}.
Exits 1 if any command failed; the stderr of each is kept in $CONCURRENT_RSS_LOGS/<i>.err when set.
"""
import json, os, subprocess, sys, time

def children_map():
    kids = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat', 'rb') as f:
                stat = f.read().decode('latin-1')
        except OSError:
            continue
        ppid = int(stat[stat.rindex(')') + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids

def rss_kib(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def tree_rss(roots):
    kids = children_map()
    total, stack, seen = 0, list(roots), set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += rss_kib(pid)
        stack.extend(kids.get(pid, []))
    return total

def main():
    n = int(sys.argv[1])
    cmd = sys.argv[2:]
    start = time.monotonic()
    logs = os.environ.get('CONCURRENT_RSS_LOGS')
    if logs:
        os.makedirs(logs, exist_ok=True)
    procs = [subprocess.Popen([a.replace('{i}', str(i)) for a in cmd], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(logs, f'{i}.err'), 'w') if logs else subprocess.DEVNULL)
             for i in range(n)]
    peak = 0
    while any(p.poll() is None for p in procs):
        peak = max(peak, tree_rss([p.pid for p in procs if p.poll() is None]))
        time.sleep(0.02)
    wall = time.monotonic() - start
    ok = sum(1 for p in procs if p.returncode == 0)
    print(json.dumps({'n': n, 'ok': ok, 'wall_s': round(wall, 2), 'peak_rss_kib': peak}))
    sys.exit(0 if ok == n else 1)

main()
