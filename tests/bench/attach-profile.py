#!/usr/bin/env python3
# tests/bench/attach-profile.py TRACE T0_US T1_US MARK: sums up one
# `strace -f -ttt -T` trace of xdplinkd during one xdpctl call that ran from
# T0_US to T1_US (microseconds, same clock). Failed openat()s of MARK are the
# library's test points. See tests/bench/attach-profile.
import re
import sys
from collections import defaultdict

LINE = re.compile(r'^(\d+)\s+(\d+\.\d+)\s+(.*)$')
CALL = re.compile(r'^([a-z_0-9]+)\((.*)$')
RESUMED = re.compile(r'^<\.\.\. ([a-z_0-9]+) resumed>(.*)$')
DUR = re.compile(r'<(\d+\.\d+)>\s*$')


def kind(name, args):
    if name == 'bpf':
        return 'bpf ' + args.split(',', 1)[0]
    return name


def parse(path, mark):
    pending = {}
    calls = []   # (pid, start, dur, kind, text)
    with open(path) as f:
        for line in f:
            m = LINE.match(line.rstrip('\n'))
            if not m:
                continue
            pid, ts, rest = int(m.group(1)), float(m.group(2)), m.group(3)
            r = RESUMED.match(rest)
            if r:
                start, k, text = pending.pop((pid, r.group(1)), (ts, r.group(1), rest))
                d = DUR.search(rest)
                calls.append((pid, start, float(d.group(1)) if d else 0.0, k, text))
                continue
            c = CALL.match(rest)
            if not c:
                continue
            k = kind(c.group(1), c.group(2))
            if mark in rest:
                k = 'MARK (test point)'
            if rest.endswith('<unfinished ...>'):
                pending[(pid, c.group(1))] = (ts, k, rest)
                continue
            d = DUR.search(rest)
            calls.append((pid, ts, float(d.group(1)) if d else 0.0, k, rest))
    calls.sort(key=lambda c: c[1])
    return calls


def main():
    path, t0, t1, mark = sys.argv[1], int(sys.argv[2]) / 1e6, int(sys.argv[3]) / 1e6, sys.argv[4]
    calls = parse(path, mark)
    inside = [c for c in calls if t0 <= c[1] <= t1]
    after = [c for c in calls if c[1] > t1]
    if not inside:
        print('   no daemon syscalls inside the call')
        return
    first, last = inside[0][1], max(c[1] + c[2] for c in inside)
    print(f'   daemon busy from +{(first - t0) * 1e3:.1f} ms to +{(last - t0) * 1e3:.1f} ms '
          f'of the client\'s {(t1 - t0) * 1e3:.1f} ms; {len(inside)} syscalls')
    tot = defaultdict(lambda: [0, 0.0])
    for c in inside:
        tot[c[3]][0] += 1
        tot[c[3]][1] += c[2]
    print('   time in syscalls by kind (count, total ms):')
    for k, (n, s) in sorted(tot.items(), key=lambda kv: -kv[1][1])[:18]:
        print(f'     {k:34s} {n:4d} {s * 1e3:8.1f}')
    print('   slowest calls (start ms after the client started, duration ms):')
    for c in sorted(inside, key=lambda c: -c[2])[:12]:
        print(f'     +{(c[1] - t0) * 1e3:7.1f} {c[2] * 1e3:7.1f}  {c[4][:110]}')
    # The worker: the thread that made the most bpf() calls.
    per = defaultdict(int)
    for c in inside:
        if c[3].startswith('bpf'):
            per[c[0]] += 1
    if per:
        w = max(per, key=per.get)
        wc = [c for c in inside if c[0] == w]
        gaps = []
        for a, b in zip(wc, wc[1:]):
            g = b[1] - (a[1] + a[2])
            if g > 0.001:
                gaps.append((g, a, b))
        print(f'   worker {w}: {len(wc)} syscalls, {sum(c[2] for c in wc) * 1e3:.1f} ms in them, '
              f'{sum(g[0] for g in gaps) * 1e3:.1f} ms in gaps over 1 ms; the largest gaps:')
        for g, a, b in sorted(gaps, key=lambda g: -g[0])[:10]:
            print(f'     {g * 1e3:6.1f} ms after +{(a[1] - t0) * 1e3:7.1f} {a[3]:24s} before {b[3]}')
        print('   the worker\'s timeline (marks and bpf calls, ms after the client started):')
        for c in wc:
            if c[3].startswith('bpf') or c[3].startswith('MARK') or c[3] in ('fsync', 'rename', 'sendmsg', 'write'):
                print(f'     +{(c[1] - t0) * 1e3:7.1f} {c[2] * 1e3:6.1f}  {c[3]}')
    if after:
        print(f'   after the reply: {len(after)} syscalls over '
              f'{(max(c[1] + c[2] for c in after) - t1) * 1e3:.1f} ms '
              f'({sum(c[2] for c in after) * 1e3:.1f} ms in them)')


if __name__ == '__main__':
    main()
