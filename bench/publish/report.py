#!/usr/bin/env python3
"""Reads the result lines of one bench/publish/run.sh run, prints the table, and (with --doc) replaces the
generated block of the "Publishing to NATS JetStream" section of docs/benchmarks.md (between the two
`bench/publish` markers; the section is added at the end with an empty text when it is missing). The prose
around the block is written by hand and never touched."""
import argparse
import json
import statistics
import sys

SECTION = "## Publishing to NATS JetStream"
BEGIN = "<!-- bench/publish/run.sh: generated figures, begin -->"
END = "<!-- bench/publish/run.sh: generated figures, end -->"

LABELS = {
    "publisher": "SIPswarm publisher: `StreamPublisher` + `JetStreamBackend` from the chain files, cursor persisted",
    "publisher-null": "the same publisher, backend acking at once (files, parsing, window, cursor: no network)",
    "backend": "`JetStreamBackend.publish` alone, bodies in memory, batches of the read-ahead window",
    "raw": "ceiling, our client: `JetStream.publish`, bodies in memory, always IN_FLIGHT pending",
    "nats-py": "ceiling, nats-py `publish_async` (`nats bench --js --pub` style), same bodies and ids",
    "nats-py-no-msg-id": "nats-py as above without `Nats-Msg-Id` (what plain `nats bench --js` measures)",
}
ORDER = ["publisher", "publisher-null", "backend", "raw", "nats-py", "nats-py-no-msg-id"]


def load(path):
    meta, runs = {}, []
    with open(path) as handle:
        for line in handle:
            line = line.strip()
            if not line.startswith("{"):
                continue
            record = json.loads(line)
            if record.get("mode") == "meta":
                meta.update(record)
            else:
                runs.append(record)
    return meta, runs


def rows(runs):
    groups = {}
    for run in runs:
        if "rate" not in run:
            continue
        key = (run["mode"], run.get("in_flight", 0), run.get("read_ahead", 0))
        groups.setdefault(key, []).append(run)
    ordered = sorted(groups.items(), key=lambda item: (ORDER.index(item[0][0]), item[0][1], item[0][2]))
    return [(key, sorted(r["rate"] for r in group), group) for key, group in ordered]


def fmt(rate):
    return f"{rate:,.0f}"


def table(meta, runs):
    write = next((r for r in runs if r["mode"] == "write"), {})
    cursor = next((r for r in runs if r["mode"] == "cursor"), {})
    grouped = rows(runs)
    median = {key: statistics.median(rates) for key, rates, _ in grouped}
    default = int(meta.get("default_in_flight", 256))
    headline = [m for k, m in median.items() if k[0] == "publisher" and k[1] == default and k[2] == max(1024, 4 * default)]
    ceilings = {}
    # The ceilings the ratios use are the settings run in every round, beside the publisher (the single runs after
    # the rounds met another load and are shown for the shape only).
    in_rounds = {(r["mode"], r.get("in_flight", 0), r.get("read_ahead", 0)) for r in runs if "round" in r}
    for mode in ("nats-py", "nats-py-no-msg-id", "raw"):
        best = max(((m, k[1]) for k, m in median.items() if k[0] == mode and k in in_rounds), default=None)
        if best:
            ceilings[mode] = best
    lines = []
    lines.append(f"Run of {meta.get('date', '?')}: {meta.get('machine', '?')}; nats-server {meta.get('server_version', '?')} "
                 f"(`-js`, file store on {meta.get('store_fs', '?')}), {meta.get('python', '?')} with nats-py {meta.get('nats_py', '?')}; "
                 f"load average {meta.get('load_start', '?')} at the start, {meta.get('load_end', '?')} at the end.")
    lines.append("")
    lines.append(f"N = {write.get('n', '?'):,} CDRs written through `JSONLinesRecordSink` in {write.get('seconds', 0):.1f} s "
                 f"({write.get('cdr_files', '?')} `cdr` files, node's default rotation), body {write.get('body_bytes_avg', '?')} bytes "
                 f"on average ({write.get('cdr_bytes', 0) / 1e6:.0f} MB). Every run below published all N into a fresh stream "
                 f"and the stream held exactly N messages afterwards (checked, then the stream deleted).")
    lines.append("")
    lines.append("| what | in flight | read-ahead | CDRs/s, median | runs (CDRs/s) | wall s, median |")
    lines.append("|---|---|---|---|---|---|")
    for (mode, in_flight, read_ahead), rates, group in grouped:
        walls = statistics.median(r["seconds"] for r in group)
        every = " / ".join(fmt(r) for r in rates) + ("" if any("round" in r for r in group) else " (single, after the rounds)")
        bad = "" if all(r.get("ok") for r in group) else " **(incomplete)**"
        lines.append(f"| {LABELS.get(mode, mode)}{bad} | {in_flight} | {read_ahead or '–'} | **{fmt(statistics.median(rates))}** | {every} | {walls:.2f} |")
    lines.append("")
    if cursor:
        lines.append(f"Cursor write alone (`CursorFile.store`: temporary file, fsync, rename, folder fsync), {cursor['n']} times: "
                     f"mean {cursor['mean_ms']:.2f} ms, p50 {cursor['p50_ms']:.2f} ms, p99 {cursor['p99_ms']:.2f} ms.")
        lines.append("")
    if headline:
        names = {
            "nats-py": "nats-py with `Nats-Msg-Id` (the same work)",
            "nats-py-no-msg-id": "nats-py without ids (plain `nats bench --js`)",
            "raw": "our client's raw ceiling",
        }
        # Within each round the publisher and the ceilings ran minutes apart at most: their ratio is steadier than
        # either figure on a shared machine.
        by_round = {}
        for run in runs:
            if "round" in run and "rate" in run:
                by_round.setdefault(run["round"], {})[(run["mode"], run.get("in_flight", 0))] = run["rate"]
        parts = []
        for mode, (rate, in_flight) in ceilings.items():
            ratios = sorted(r[("publisher", default)] / r[(mode, in_flight)]
                            for r in by_round.values() if ("publisher", default) in r and (mode, in_flight) in r)
            if ratios:
                spread = f", {ratios[0]:.2f}–{ratios[-1]:.2f} over {len(ratios)} rounds" if len(ratios) > 1 else ""
                parts.append(f"**{statistics.median(ratios):.2f}×** {names[mode]} ({fmt(rate)}/s median at {in_flight} in flight{spread})")
            else:
                parts.append(f"**{headline[0] / rate:.2f}×** {names[mode]} ({fmt(rate)}/s at {in_flight} in flight)")
        lines.append(f"**SIPswarm publisher at the node's defaults (`max_in_flight` {default}, read-ahead {max(1024, 4 * default)}): "
                     f"{fmt(headline[0])} CDRs/s acknowledged (median).** Publisher / ceiling, same server, same round: "
                     + "; ".join(parts) + ".")
    return "\n".join(lines)


def update_doc(path, block):
    with open(path) as handle:
        text = handle.read()
    generated = f"{BEGIN}\n{block}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + generated + tail
    elif SECTION in text:
        sys.exit(f"{path}: the section exists without the generated-block markers; add them by hand")
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{generated}\n"
    with open(path, "w") as handle:
        handle.write(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--doc")
    args = parser.parse_args()
    meta, runs = load(args.results)
    block = table(meta, runs)
    print(block)
    if args.doc:
        update_doc(args.doc, block)
        print(f"\nupdated {args.doc}", file=sys.stderr)


main()
