#!/usr/bin/env bash
# Times `sipswarm verify` (release build) on a generated data directory of about one million
# records, and hashes the same bytes with sha256sum for comparison. Not a test: run it by hand
# and copy the figures into docs/benchmarks.md ("Ledger verification").
#
#   bench/ledger/run.sh                 800k cdr + 200k attempt records (+ audit, checkpoints)
#   CDR=100000 ATTEMPT=25000 bench/ledger/run.sh
#   DATA=/path/to/data bench/ledger/run.sh   reuse (or create) that directory
#   SCRATCH=.build-verify-rel               SwiftPM scratch path of the release build
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cdr=${CDR:-800000}
attempt=${ATTEMPT:-200000}
scratch=${SCRATCH:-.build-verify-rel}
runs=${RUNS:-3}
data=${DATA:-}
if [ -z "$data" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/sipswarm-verify-bench.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    data="$work/data"
fi

(cd "$root" && swift build -c release --scratch-path "$scratch" --product sipswarm >/dev/null)
binary="$root/$scratch/release/sipswarm"

if [ ! -d "$data" ]; then
    echo "generating $cdr cdr + $attempt attempt records in $data"
    /usr/bin/time -f "generated in %e s" python3 "$root/bench/ledger/generate.py" "$data" --cdr "$cdr" --attempt "$attempt"
fi

files=("$data"/*/*.jsonl)
bytes=$(cat "${files[@]}" | wc -c)
records=$(cat "${files[@]}" | wc -l)
echo "data: $records records, $bytes bytes in ${#files[@]} files"
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(uname -sr)"

# Warm the page cache so every timing below measures the CPU, not the disk.
cat "${files[@]}" >/dev/null

for run in $(seq 1 "$runs"); do
    /usr/bin/time -f "verify run $run: %e s wall, %U s user, %M KB max RSS" "$binary" verify "$data" >/dev/null
done
"$binary" verify "$data" | tail -1

for run in $(seq 1 "$runs"); do
    /usr/bin/time -f "sha256sum run $run: %e s wall (same bytes, one pass)" sha256sum "${files[@]}" >/dev/null
done
