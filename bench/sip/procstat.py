#!/usr/bin/env python3
"""CPU and memory of a process tree, for bench/run.sh.

procstat.py PID [NAME] prints one JSON object for PID and all its descendants (optionally only
the processes whose comm is NAME): cpu_ns = sum of /proc/P/task/T/schedstat field 1 (time on CPU,
nanoseconds) over every live thread (RIG.md: utime/stime are tick-sampled and over-count on these
VMs), plus the CPU of threads that already exited, which only the process's utime+stime still holds
(its total minus its live threads', in clock ticks; without it a thread pool's idle thread exiting
between two snapshots makes the difference negative), hwm_kb_max / hwm_kb_sum = VmHWM (peak RSS) of the largest process and summed over the
processes, rss_kb_sum = VmRSS now, pids = the processes counted.
"""
import json
import os
import sys


def children_map():
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # comm may contain spaces and parentheses: split after the last ')'
        rest = stat[stat.rfind(")") + 2:].split()
        kids.setdefault(int(rest[1]), []).append(int(entry))
    return kids


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def tree(root):
    kids = children_map()
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def ticks(path):
    """utime + stime of a /proc/.../stat file, in clock ticks."""
    try:
        with open(path) as f:
            stat = f.read()
    except OSError:
        return 0
    rest = stat[stat.rfind(")") + 2:].split()
    try:
        return int(rest[11]) + int(rest[12])
    except (ValueError, IndexError):
        return 0


def cpu_ns(pid):
    total = 0
    # Read before the threads: a tick that lands in between then shortens `exited` instead of inventing CPU.
    process_ticks = ticks(f"/proc/{pid}/stat")
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    live_ticks = 0
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
        live_ticks += ticks(f"/proc/{pid}/task/{t}/stat")
    exited = process_ticks - live_ticks
    return total + max(exited, 0) * (1_000_000_000 // os.sysconf("SC_CLK_TCK"))


def status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    root = int(sys.argv[1])
    name = sys.argv[2] if len(sys.argv) > 2 else None
    pids = [p for p in tree(root) if name is None or comm(p) == name]
    hwm = [status_kb(p, "VmHWM") for p in pids]
    print(json.dumps({
        "pids": pids,
        "cpu_ns": sum(cpu_ns(p) for p in pids),
        "hwm_kb_max": max(hwm) if hwm else 0,
        "hwm_kb_sum": sum(hwm),
        "rss_kb_sum": sum(status_kb(p, "VmRSS") for p in pids),
    }))


if __name__ == "__main__":
    main()
