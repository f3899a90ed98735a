#!/usr/bin/env python3
"""The node's own metrics for bench/run.sh: scrape its [metrics] endpoint, and turn two scrapes into figures.
Python 3 standard library only.

  node_metrics.py scrape PORT OUT          GET http://127.0.0.1:PORT/metrics into OUT (empty file and a note on
                                           stderr when the endpoint does not answer: the run goes on)
  node_metrics.py delay BEFORE AFTER       the added setup delay between two scrapes, as JSON:
                                           {"invite": {"count", "p50_us", "p99_us", ...}, "answer": {...}}
  node_metrics.py gauge FILE NAME          a gauge's value in one scrape (null when absent)

The delay comes from the histogram sipswarm_setup_delay_seconds{step="invite"|"answer"}: bucket counts of the
second scrape minus those of the first (the calls of one step only), and quantiles interpolated linearly inside
the bucket that holds them, as Prometheus' histogram_quantile() does (the first bucket's lower edge is 0). A
quantile that falls in the +Inf bucket is reported as above the highest finite bound.
"""
import json
import math
import re
import sys
import urllib.request

HISTOGRAM = "sipswarm_setup_delay_seconds"
STEPS = ("invite", "answer")
LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text):
    """[(name, {label: value}, float)] of every sample line."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line.strip())
        if not m:
            continue
        labels = dict(LABEL.findall(m.group(2) or ""))
        try:
            value = float(m.group(3))
        except ValueError:
            continue
        out.append((m.group(1), labels, value))
    return out


def read(path):
    try:
        with open(path, errors="replace") as f:
            return parse(f.read())
    except OSError:
        return []


def buckets(samples, step):
    """{le: cumulative count} of one step's histogram (le as float, +Inf as math.inf)."""
    out = {}
    for name, labels, value in samples:
        if name == HISTOGRAM + "_bucket" and labels.get("step") == step and "le" in labels:
            le = math.inf if labels["le"] == "+Inf" else float(labels["le"])
            out[le] = value
    return out


def quantile(q, cumulative):
    """histogram_quantile over [(le, cumulative count)] sorted by le; None without samples."""
    total = cumulative[-1][1] if cumulative else 0
    if total <= 0:
        return None
    rank = q * total
    prev_le, prev_count = 0.0, 0.0
    for le, count in cumulative:
        if count >= rank:
            if math.isinf(le):
                return {"above_s": prev_le}
            width = count - prev_count
            fraction = (rank - prev_count) / width if width > 0 else 1.0
            return {"value_s": prev_le + (le - prev_le) * fraction}
        prev_le, prev_count = le, count
    return None


def delay(before, after):
    out = {}
    for step in STEPS:
        b, a = buckets(before, step), buckets(after, step)
        if not a:
            out[step] = {"count": 0, "present": False}
            continue
        cumulative = sorted((le, a[le] - b.get(le, 0)) for le in a)
        count = int(cumulative[-1][1])
        entry = {"count": count, "present": True}
        for label, q in (("p50", 0.50), ("p99", 0.99)):
            r = quantile(q, cumulative)
            if r is None:
                continue
            if "value_s" in r:
                entry[label + "_us"] = round(r["value_s"] * 1e6, 1)
            else:
                entry[label + "_above_us"] = round(r["above_s"] * 1e6, 1)
        out[step] = entry
    return out


def gauge(samples, name):
    for n, labels, value in samples:
        if n == name and not labels:
            return value
    return None


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "scrape" and len(sys.argv) == 4:
        text = ""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{int(sys.argv[2])}/metrics", timeout=5) as r:
                text = r.read().decode("utf-8", "replace")
        except OSError as e:
            print(f"node_metrics.py: no metrics from 127.0.0.1:{sys.argv[2]}: {e}", file=sys.stderr)
        with open(sys.argv[3], "w") as f:
            f.write(text)
    elif cmd == "delay" and len(sys.argv) == 4:
        print(json.dumps(delay(read(sys.argv[2]), read(sys.argv[3])), sort_keys=True))
    elif cmd == "gauge" and len(sys.argv) == 4:
        print(json.dumps(gauge(read(sys.argv[2]), sys.argv[3])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
