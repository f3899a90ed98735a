#!/usr/bin/env python3
"""Results of bench/run.sh (SIP throughput, SIPswarm vs Kamailio). Python 3 standard library only.

  report.py step --system S --rate R ...     one step's JSON line from sipp's -trace_stat CSV,
                                             the schedstat/VmHWM snapshots, the CDR counts and the
                                             node's added setup delay (node_metrics.py delay)
  report.py line < one JSON line             a one-line human summary of a step (stderr of run.sh)
  report.py hold --calls N ...               the memory phase's JSON: VmRSS and active sessions idle and
                                             with N calls held open, KiB per session
  report.py hold-line < hold JSON            its one-line human summary
  report.py summary --results F --final F [--doc docs/benchmarks.md]
                                             the tables; printed, and written between the markers of
                                             the "SIP throughput" section of the doc when --doc is given
"""
import argparse
import csv
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import node_metrics  # noqa: E402  (beside this file)

BEGIN = "<!-- bench/run.sh: SIP throughput, generated figures, begin -->"
END = "<!-- bench/run.sh: SIP throughput, generated figures, end -->"
SECTION = "## SIP throughput: SIPswarm vs Kamailio"
NAMES = {"kamailio": "Kamailio", "sipswarm": "SIPswarm"}


# ------------------------------------------------------------------ sipp's statistics file

def sipp_duration_ms(value):
    """sipp writes durations as HH:MM:SS:uuuuuu (or HH:MM:SS)."""
    parts = value.strip().split(":")
    if len(parts) < 3:
        return None
    try:
        h, m, s = int(parts[0]), int(parts[1]), int(parts[2])
        us = int(parts[3]) if len(parts) > 3 else 0
    except ValueError:
        return None
    return (h * 3600 + m * 60 + s) * 1000 + us / 1000


def last_stat_row(path):
    try:
        with open(path, newline="", errors="replace") as f:
            rows = [r for r in csv.reader(f, delimiter=";") if r]
    except OSError:
        return {}
    if len(rows) < 2:
        return {}
    return dict(zip(rows[0], rows[-1]))


def as_int(row, key):
    try:
        return int(float(row.get(key, "0") or 0))
    except ValueError:
        return 0


def repartition(row):
    """INVITE->200 buckets: [(upper_ms or None for the last, count)] from ResponseTimeRepartition1_*."""
    out = []
    for key, value in row.items():
        m = re.match(r"ResponseTimeRepartition1_(<|>=)(\d+)$", key)
        if m:
            bound = int(m.group(2)) if m.group(1) == "<" else None
            out.append((bound, int(value or 0), int(m.group(2))))
    out.sort(key=lambda t: (t[0] is None, t[2]))
    return [(b, c) for b, c, _ in out]


def percentile_bucket(buckets, q):
    total = sum(c for _, c in buckets)
    if total == 0:
        return None
    seen = 0
    for bound, count in buckets:
        seen += count
        if seen >= q * total:
            return f"< {bound} ms" if bound is not None else f">= {buckets[-2][0]} ms"
    return None


# ------------------------------------------------------------------ step

def cmd_step(a):
    row = last_stat_row(a.stat)
    created = as_int(row, "TotalCallCreated")
    ok = as_int(row, "SuccessfulCall(C)")
    failed_sipp = as_int(row, "FailedCall(C)")
    # Calls never created (sipp stopped by `timeout`) or never finished count as failed.
    failed = max(failed_sipp, a.calls - ok)
    fail_pct = 100.0 * failed / a.calls if a.calls else 100.0
    wall = a.t1 - a.t0
    # sipp spends ~calls/rate creating calls, then the last call's length; what it achieved:
    creating_s = max(wall - a.call_ms / 1000 - 0.3, 0.001)
    achieved = created / creating_s if created else 0.0
    reasons = {k[:-3]: as_int(row, k) for k in row
               if k.startswith("Failed") and k.endswith("(C)") and k != "FailedCall(C)" and as_int(row, k)}
    cpu0, cpu1 = json.loads(a.cpu0), json.loads(a.cpu1)
    uas0, uas1 = json.loads(a.uas0), json.loads(a.uas1)
    cpu_ns = cpu1["cpu_ns"] - cpu0["cpu_ns"]
    uas_ns = sum(x["cpu_ns"] for x in uas1) - sum(x["cpu_ns"] for x in uas0)
    buckets = repartition(row)
    passed = (fail_pct < a.max_fail_pct and a.sipp_rc in (0, 1) and created >= a.calls
              and achieved >= 0.9 * a.rate)
    out = {
        "system": a.system,
        "rate": a.rate,
        "step_s": a.step_s,
        "calls": a.calls,
        "created": created,
        "successful": ok,
        "failed": failed,
        "failed_sipp": failed_sipp,
        "fail_pct": round(fail_pct, 4),
        "fail_reasons": reasons,
        "retransmissions": as_int(row, "Retransmissions(C)"),
        "dead_call_msgs": as_int(row, "DeadCallMsgs(C)"),
        "sipp_rc": a.sipp_rc,
        "wall_s": round(wall, 3),
        "achieved_cps": round(achieved, 1),
        "cpu_ns": cpu_ns,
        "cpu_us_per_call": round(cpu_ns / 1000 / created, 1) if created else None,
        "uas_cpu_us_per_call": round(uas_ns / 1000 / created, 1) if created else None,
        "cpu_util_pct": round(100.0 * cpu_ns / 1e9 / wall, 1) if wall > 0 else None,
        "rss_kb": cpu1["rss_kb_sum"],
        "cdrs_in_step": a.cdr1 - a.cdr0,
        "cdrs_total": a.cdr1,
        "invite_200_avg_ms": sipp_duration_ms(row.get("ResponseTime1(C)", "")),
        "invite_200_p50": percentile_bucket(buckets, 0.50),
        "invite_200_p99": percentile_bucket(buckets, 0.99),
        "passed": passed,
        "socket_drops": socket_drops(a),
        "udp_in_errors": int(a.udp1.split()[0]) - int(a.udp0.split()[0]),
        "udp_rcvbuf_errors": int(a.udp1.split()[1]) - int(a.udp0.split()[1]),
        "setup_delay": json.loads(a.setup_delay),
    }
    print(json.dumps(out, sort_keys=True))


# ------------------------------------------------------------------ added setup delay

def fmt_us(entry, key):
    if key + "_us" in entry:
        return f"{entry[key + '_us']:,.0f} µs"
    if key + "_above_us" in entry:
        return f"> {entry[key + '_above_us'] / 1000:,.0f} ms"
    return "–"


def delay_cell(r, step):
    """'p50 … / p99 … (n)' of one step value of a step's setup delay; '–' without samples."""
    e = (r.get("setup_delay") or {}).get(step)
    if not e or not e.get("count"):
        return "–"
    return f"{fmt_us(e, 'p50')} / {fmt_us(e, 'p99')}"


def half_max_step(steps, best):
    """The node's passed step nearest below half its max rate (the lowest passed one if none is that low)."""
    if not best:
        return None
    passed = [r for r in steps if r["passed"]]
    below = [r for r in passed if r["rate"] <= best["rate"] / 2]
    return max(below, key=lambda r: r["rate"]) if below else min(passed, key=lambda r: r["rate"])


# ------------------------------------------------------------------ memory per active session

def cmd_hold(a):
    held = node_metrics.read(a.held)
    idle = node_metrics.read(a.idle)
    after = node_metrics.read(a.after)
    row = last_stat_row(a.stat)
    row_held = last_stat_row(a.stat_held)
    warm = last_stat_row(a.warm_stat) if a.warm_calls else {}
    gauge = "sipswarm_active_sessions"
    active_held = node_metrics.gauge(held, gauge)
    sipp_up = as_int(row_held, "CurrentCall") if row_held else None
    # The node's own count when it exports it; sipp's open calls at the same moment otherwise.
    n = int(active_held) if active_held is not None else sipp_up
    growth = a.rss_held - a.rss_idle
    out = {
        "calls": a.calls,
        "rate": a.rate,
        "call_ms": a.call_ms,
        "sipp_rc": a.sipp_rc,
        "created": as_int(row, "TotalCallCreated"),
        "successful": as_int(row, "SuccessfulCall(C)"),
        "failed": as_int(row, "FailedCall(C)"),
        "warm_calls": a.warm_calls,
        "warm_created": as_int(warm, "TotalCallCreated"),
        "warm_successful": as_int(warm, "SuccessfulCall(C)"),
        "sipp_open_calls_held": sipp_up,
        "active_sessions_idle": node_metrics.gauge(idle, gauge),
        "active_sessions_held": active_held,
        "active_sessions_after": node_metrics.gauge(after, gauge),
        "sessions_counted_by": "node gauge" if active_held is not None else "sipp open calls",
        "sessions": n,
        "rss_idle_kb": a.rss_idle,
        "rss_held_kb": a.rss_held,
        "rss_after_kb": a.rss_after,
        "kib_per_session": round(growth / n, 2) if n else None,
    }
    print(json.dumps(out, sort_keys=True))


def cmd_hold_line(_a):
    h = json.loads(sys.stdin.read())
    print(f"  sipswarm  hold {h['sessions']} sessions ({h['sessions_counted_by']}; sipp had {h['sipp_open_calls_held']} open): "
          f"VmRSS idle {h['rss_idle_kb'] / 1024:.1f} MiB, held {h['rss_held_kb'] / 1024:.1f} MiB, after {h['rss_after_kb'] / 1024:.1f} MiB "
          f"=> {h['kib_per_session']} KiB per session; calls {h['successful']}/{h['calls']} ok, sipp rc {h['sipp_rc']}")


def hold_cell(h):
    if not h:
        return "not measured (HOLD_CALLS=0 or no node)"
    if not h.get("kib_per_session"):
        return f"no sessions up at the measurement ({json.dumps(h)})"
    verdict = "≤ 16 KiB goal" if h["kib_per_session"] <= 16 else "**over the 16 KiB goal**"
    return (f"**{h['kib_per_session']:,.2f} KiB** ({verdict}): VmRSS {h['rss_idle_kb'] / 1024:,.1f} MiB idle → "
            f"{h['rss_held_kb'] / 1024:,.1f} MiB with {fmt_int(h['sessions'])} sessions up ({h['sessions_counted_by']}; "
            f"{fmt_int(h['calls'])} calls set up at {h['rate']}/s, each {h['call_ms'] / 1000:.0f} s), "
            f"{h['rss_after_kb'] / 1024:,.1f} MiB after they ended; {fmt_int(h['successful'])} of them completed")


def socket_drops(a):
    s0, s1 = json.loads(a.sock0), json.loads(a.sock1)
    return {p: s1[p] - s0.get(p, 0) for p in s1 if s1[p] - s0.get(p, 0)}


def cmd_line(_a):
    r = json.loads(sys.stdin.read())
    reasons = ", ".join(f"{k} {v}" for k, v in r["fail_reasons"].items())
    print(f"  {r['system']:9} {r['rate']:>5}/s  {r['successful']}/{r['calls']} ok, {r['failed']} failed "
          f"({r['fail_pct']} %{'; ' + reasons if reasons else ''}), sent {r['achieved_cps']}/s, "
          f"CPU {r['cpu_us_per_call']} us/call ({r['cpu_util_pct']} % of a core), "
          f"CDRs {r['cdrs_in_step']}, UDP rcvbuf drops {r.get('udp_rcvbuf_errors')} {r.get('socket_drops')}, INVITE->200 avg {r['invite_200_avg_ms']} ms p99 {r['invite_200_p99']}"
          f"{delay_line(r)}  => {'PASS' if r['passed'] else 'FAIL'}")


def delay_line(r):
    if r["system"] != "sipswarm":
        return ""
    return f", added delay p50/p99 INVITE {delay_cell(r, 'invite')}, 200 {delay_cell(r, 'answer')}"


# ------------------------------------------------------------------ summary

PORT_NAMES = {"29100": "kamailio", "29101": "UAS", "29102": "UAC", "29060": "node", "29080": "UAS p1",
              "29081": "UAS p2", "29070": "UAC"}


def drops_by_port(r):
    d = r.get("socket_drops") or {}
    return (" (" + ", ".join(f"{PORT_NAMES.get(p, p)} {n:,}" for p, n in sorted(d.items())) + ")") if d else ""


def fmt_int(n):
    return f"{n:,}" if isinstance(n, int) else "–"


def cmd_summary(a):
    steps = [json.loads(l) for l in open(a.results) if l.strip()]
    final = json.load(open(a.final))
    systems = [s for s in ("kamailio", "sipswarm") if any(r["system"] == s for r in steps)]
    by = {s: [r for r in steps if r["system"] == s] for s in systems}
    best = {}
    for s in systems:
        passed = [r for r in by[s] if r["passed"]]
        # the ladder stops at the first failed step, so the passes are the steps below it
        best[s] = max(passed, key=lambda r: r["rate"]) if passed else None
    common_rates = None
    if len(systems) == 2:
        rates = [set(r["rate"] for r in by[s] if r["passed"]) for s in systems]
        both = rates[0] & rates[1]
        common_rates = max(both) if both else None

    def at(s, rate):
        for r in by[s]:
            if r["rate"] == rate:
                return r
        return None

    L = []
    L.append(f"Run of {final['date']} on {final['machine']}; Kamailio {final.get('kamailio_version', '?')}, "
             f"sipp {final.get('sipp_version', '?')}, Swift {final.get('swift_version', '?')}, "
             f"SIPswarm at `{final.get('git', '?')}` (release build). Load average before the stop: "
             f"{final.get('load_before', '?')}.")
    L.append("")
    L.append(f"Command: `{final['command']}`")
    L.append("")
    head = "| | " + " | ".join(NAMES[s] for s in systems) + " |"
    L.append(head)
    L.append("|---" * (len(systems) + 1) + "|")

    def row(label, cells):
        L.append(f"| {label} | " + " | ".join(cells) + " |")

    row("max calls/s with < 0.1 % failed calls (highest step passed)",
        [f"**{fmt_int(best[s]['rate'])}**" if best[s] else "none passed" for s in systems])
    first_fail = {s: next((r for r in by[s] if not r["passed"]), None) for s in systems}
    row("first step failed", [
        (f"{fmt_int(first_fail[s]['rate'])}/s: {first_fail[s]['fail_pct']} % failed, "
         f"sent {first_fail[s]['achieved_cps']}/s") if first_fail[s] else "none (top of the ladder)"
        for s in systems])
    if len(systems) == 2 and best["kamailio"] and best["sipswarm"]:
        ratio = best["sipswarm"]["rate"] / best["kamailio"]["rate"]
        capped = " (Kamailio passed the top step: its max is at least this)" if not first_fail["kamailio"] else ""
        row("ratio SIPswarm / Kamailio", ["", f"**{ratio:.2f}**{capped}"] if systems[0] == "kamailio"
            else [f"**{ratio:.2f}**", ""])
    if common_rates:
        cells = []
        for s in systems:
            r = at(s, common_rates)
            cells.append(f"{r['cpu_us_per_call'] / 1000:.3f} s ({r['cpu_us_per_call']:.0f} µs a call)")
        row(f"CPU seconds per 1,000 calls at {fmt_int(common_rates)} calls/s (schedstat, every thread "
            f"of every process of the system)", cells)
        cells = []
        for s in systems:
            r = at(s, common_rates)
            cells.append(f"avg {r['invite_200_avg_ms']:.2f} ms, p50 {r['invite_200_p50']}, p99 {r['invite_200_p99']}"
                         if r["invite_200_avg_ms"] is not None else "–")
        row(f"INVITE → 200 at the UAC at {fmt_int(common_rates)} calls/s (end to end through the system "
            f"and the UAS; not the added delay)", cells)
    if "sipswarm" in systems:
        others = systems.index("sipswarm")
        h = half_max_step(by["sipswarm"], best["sipswarm"])
        if h:
            parts, met = [], []
            for step, what in (("invite", "INVITE in → INVITE out"), ("answer", "200 in → 200 out")):
                e = (h.get("setup_delay") or {}).get(step) or {}
                if e.get("count"):
                    parts.append(f"{what}: p50 {fmt_us(e, 'p50')}, p99 **{fmt_us(e, 'p99')}** ({fmt_int(e['count'])} samples)")
                    met.append("p99_us" in e and e["p99_us"] < 2000)
                else:
                    parts.append(f"{what}: no samples (the node exported no histogram for it)")
            goal = ("; p99 under the 2 ms goal" if met and all(met) and len(met) == 2 else
                    "; **p99 not under the 2 ms goal**" if met else "")
            where = ("the step nearest below half the node's max" if h["rate"] <= best["sipswarm"]["rate"] / 2 else
                     "the node's lowest passed step (none is at or below half its max)")
            row(f"added setup delay at {fmt_int(h['rate'])} calls/s, {where} "
                f"(the node's own histograms, `sipswarm_setup_delay_seconds`; percentiles interpolated within buckets)",
                ["not instrumented"] * others + ["; ".join(parts) + goal])
        row("memory per active session: (VmRSS with N sessions up − VmRSS idle) / N, N held open at once",
            ["not measured"] * others + [hold_cell(final.get("node_hold"))])
    cells = []
    for s in systems:
        m = final.get("kamailio_mem" if s == "kamailio" else "node_mem")
        if not m:
            cells.append("–")
        elif s == "kamailio":
            cells.append(f"{m['hwm_kb_max'] / 1024:.0f} MiB largest process, {m['hwm_kb_sum'] / 1024:.0f} MiB "
                         f"summed over its {len(m['pids'])} processes (shared memory counted in each)")
        else:
            cells.append(f"{m['hwm_kb_max'] / 1024:.0f} MiB")
    row("peak RSS (VmHWM) over the whole run", cells)
    cells = []
    hold = final.get("node_hold") or {}
    for s in systems:
        made = sum(r["created"] for r in by[s])
        ok = sum(r["successful"] for r in by[s])
        if s == "sipswarm":   # the memory phase's calls went through the node too
            made += hold.get("created", 0) + hold.get("warm_created", 0)
            ok += hold.get("successful", 0) + hold.get("warm_successful", 0)
        cdrs = final.get("kamailio_cdrs" if s == "kamailio" else "node_cdrs")
        verdict = ("every successful call has one" if cdrs == ok else
                   f"**{ok - cdrs:,} missing**" if cdrs < ok else f"{cdrs - ok:,} more than successful calls")
        cells.append(f"{fmt_int(cdrs)} CDRs / {fmt_int(ok)} successful calls / {fmt_int(made)} calls made: {verdict}")
    row("CDRs written (node: lines under data/cdr; Kamailio: acc CDR log lines) vs sipp's calls, whole run "
        "(the node's include the memory phase's warm-up and held calls)", cells)
    if "sipswarm" in systems:
        v = "exit 0 (intact)" if final.get("node_verify_rc") == 0 else \
            f"**exit {final.get('node_verify_rc')}**: {final.get('node_verify', '')}"
        row("`sipswarm verify` on the node's data dir", ["n/a"] * (systems.index("sipswarm")) + [v])
        ex = final.get("node_exit")
        row("node stop (SIGTERM; SIGKILL after 60 s)",
            ["n/a"] * (systems.index("sipswarm")) +
            [f"exit {ex}{' (killed)' if ex == 137 else ''} after {final.get('node_stop_s')} s; CPU "
             f"{final.get('node_cpu_pct_before_stop')} % of a core in the 2 s before (idle since its last step); "
             f"{fmt_int(final.get('node_cdrs_before_stop'))} CDRs before the stop; log lines by level "
             f"{json.dumps(final.get('node_log_levels', {}))}"])
    L.append("")
    L.append("Every step (in run order; CPU is the system's own processes, UAS the sipp UAS(es) behind it):")
    L.append("")
    L.append("| calls/s | system | calls | failed | failed % | sent calls/s | CPU µs/call | CPU % of a core "
             "| UAS CPU µs/call | CDRs in step | UDP drops (by port) | INVITE→200 avg / p99 "
             "| added delay INVITE p50 / p99 | added delay 200 p50 / p99 | |")
    L.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|")
    for r in steps:
        reasons = ", ".join(f"{k} {v}" for k, v in r["fail_reasons"].items())
        avg = f"{r['invite_200_avg_ms']:.2f} ms" if r["invite_200_avg_ms"] is not None else "–"
        L.append(f"| {fmt_int(r['rate'])} | {NAMES[r['system']]} | {fmt_int(r['created'])} | {fmt_int(r['failed'])} "
                 f"| {r['fail_pct']} | {r['achieved_cps']:,} | {r['cpu_us_per_call']} | {r['cpu_util_pct']} "
                 f"| {r['uas_cpu_us_per_call']} | {fmt_int(r['cdrs_in_step'])} | {fmt_int(r.get('udp_rcvbuf_errors'))}{drops_by_port(r)} | {avg} / {r['invite_200_p99']} "
                 f"| {delay_cell(r, 'invite')} | {delay_cell(r, 'answer')} "
                 f"| {'pass' if r['passed'] else 'FAIL' + (': ' + reasons if reasons else '')} |")
    text = "\n".join(L)
    print(text)
    if a.doc:
        write_doc(a.doc, text)


def write_doc(path, text):
    doc = open(path).read()
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in doc and END in doc:
        i, j = doc.index(BEGIN), doc.index(END) + len(END)
        doc = doc[:i] + block + doc[j:]
    else:
        if not doc.endswith("\n"):
            doc += "\n"
        doc += (f"\n{SECTION}\n\nIssue 9: `bench/run.sh`. Generated figures of the last run:\n\n{block}\n")
    with open(path, "w") as f:
        f.write(doc)
    print(f"report.py: figures written to {path}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("step")
    s.add_argument("--system", required=True)
    s.add_argument("--rate", type=int, required=True)
    s.add_argument("--step-s", type=int, required=True)
    s.add_argument("--calls", type=int, required=True)
    s.add_argument("--stat", required=True)
    s.add_argument("--call-ms", type=int, required=True)
    s.add_argument("--sipp-rc", type=int, required=True)
    s.add_argument("--t0", type=float, required=True)
    s.add_argument("--t1", type=float, required=True)
    for k in ("cpu0", "cpu1", "uas0", "uas1"):
        s.add_argument("--" + k, required=True)
    s.add_argument("--cdr0", type=int, required=True)
    s.add_argument("--cdr1", type=int, required=True)
    s.add_argument("--max-fail-pct", type=float, required=True)
    s.add_argument("--udp0", required=True)
    s.add_argument("--udp1", required=True)
    s.add_argument("--sock0", required=True)
    s.add_argument("--sock1", required=True)
    s.add_argument("--setup-delay", default="{}")
    sub.add_parser("line")
    h = sub.add_parser("hold")
    for k in ("calls", "rate", "call-ms", "warm-calls", "sipp-rc", "rss-idle", "rss-held", "rss-after"):
        h.add_argument("--" + k, type=int, required=True)
    for k in ("stat", "stat-held", "warm-stat", "idle", "held", "after"):
        h.add_argument("--" + k, required=True)
    sub.add_parser("hold-line")
    m = sub.add_parser("summary")
    m.add_argument("--results", required=True)
    m.add_argument("--final", required=True)
    m.add_argument("--doc")
    a = ap.parse_args()
    {"step": cmd_step, "line": cmd_line, "hold": cmd_hold, "hold-line": cmd_hold_line,
     "summary": cmd_summary}[a.cmd](a)


if __name__ == "__main__":
    main()
