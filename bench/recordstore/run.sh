#!/usr/bin/env bash
# Record store benchmarks (issue 4), release build: raw append+fsync rate of this disk, records/s through the
# store and writer with an fsync per harvest cycle, and the rotation swap latency (p50/p99/max).
# The data goes to BENCH_DATA_DIR (default bench/recordstore/.bench-data): keep it on a real disk, not tmpfs.
# Extra arguments go to the benchmark plugin, e.g. --filter "rotation.*" or --format markdown.
set -euo pipefail
cd "$(dirname "$0")"
export BENCH_DATA_DIR="${BENCH_DATA_DIR:-$PWD/.bench-data}"
mkdir -p "$BENCH_DATA_DIR"
echo "data on: $(df -T "$BENCH_DATA_DIR" | awk 'NR==2 {print $2, $1}')" >&2
swift package --disable-sandbox benchmark --target RecordStoreBenchmarks --no-progress "$@"
rm -rf "$BENCH_DATA_DIR"
