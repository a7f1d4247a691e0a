#!/usr/bin/env python3
# gst-vidkompy
# Copyright (C) 2026 gst-vidkompy developers
#
# This library is free software; you can redistribute it and/or
# modify it under the terms of the GNU Library General Public
# License as published by the Free Software Foundation; either
# version 2 of the License, or (at your option) any later version.
"""Where a command's time goes, thread by thread (Linux /proc).

    bench/cli-threads.py [--every S] [--timeline] -- COMMAND [ARG...]

Runs COMMAND and samples its threads every 5 ms: their state (runnable or
not) and CPU time (user + system). Prints the wall time; the share of the
samples in which 0, 1 or 2 or more of its threads were runnable (on a
2-core machine a sample with fewer than 2 runnable threads leaves a core
idle, whatever the machine's load: a thread waiting for a core is
runnable); the CPU seconds per thread name, summed over the threads of
that name (GStreamer names a task's thread after its pad, e.g.
"queue1:src"; threads that a library starts, such as x264's or libav's,
keep their parent's name at their start) and the threads alone runnable
most often; with --timeline, the mean number of runnable threads every
--every seconds (default 0.1).
"""

import argparse
import collections
import os
import subprocess
import sys
import time

TICK = os.sysconf('SC_CLK_TCK')


def task_stats(pid):
    """{tid: (name, state, cpu seconds)} of the process's threads now"""
    out = {}
    try:
        tids = os.listdir(f'/proc/{pid}/task')
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f'/proc/{pid}/task/{tid}/stat') as f:
                s = f.read()
        except OSError:
            continue
        name = s[s.index('(') + 1:s.rindex(')')]
        fields = s[s.rindex(')') + 2:].split()
        # fields[0] is the state; utime and stime are fields 14 and 15 of
        # stat, 11 and 12 here
        out[tid] = (name, fields[0], (int(fields[11]) + int(fields[12])) / TICK)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--every', type=float, default=0.1)
    ap.add_argument('--timeline', action='store_true')
    ap.add_argument('command', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ['--'] else a.command
    if not cmd:
        ap.error('no command')
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    hist = collections.Counter()
    alone = collections.Counter()
    per_bin = collections.defaultdict(list)
    cpu = {}                    # tid -> (first name seen, last cpu seconds)
    n = 0
    while p.poll() is None:
        stats = task_stats(p.pid)
        running = [v[0] for v in stats.values() if v[1] == 'R']
        for tid, (name, _, c) in stats.items():
            cpu[tid] = (cpu.get(tid, (name, 0))[0], c)
        per_bin[int((time.monotonic() - t0) / a.every)].append(len(running))
        hist[min(len(running), 2)] += 1
        if len(running) == 1:
            alone[running[0]] += 1
        n += 1
        time.sleep(0.005)
    wall = time.monotonic() - t0
    if n == 0:
        print('cli-threads: the command ended before any sample')
        return p.returncode
    if a.timeline:
        for b in sorted(per_bin):
            v = per_bin[b]
            m = sum(v) / len(v)
            print(f'{b * a.every:6.2f} s {m:4.1f} ' + '#' * round(4 * m))
    by_name = collections.Counter()
    for name, c in cpu.values():
        by_name[name] += c
    total = sum(by_name.values())
    print(f'exit {p.returncode}, wall {wall:.2f} s, CPU of the threads seen '
          f'{total:.2f} s, {n} samples')
    print(f'runnable threads: 0 in {hist[0] / n:.0%} of the samples, '
          f'1 in {hist[1] / n:.0%}, 2 or more in {hist[2] / n:.0%}')
    print('CPU by thread name: ' + ', '.join(
        f'{k} {v:.2f} s' for k, v in by_name.most_common(10)))
    print('alone runnable: ' + ', '.join(
        f'{k} {v / n:.0%}' for k, v in alone.most_common(6)))
    return p.returncode


if __name__ == '__main__':
    sys.exit(main())
