#!/usr/bin/env bash
# A/B of the CDR pipeline benchmarks in one time window, so that machine load hits both alike: two built
# PipelineBenchmarks executables (copy .build/x86_64-unknown-linux-gnu/release/PipelineBenchmarks aside after
# `run.sh` on each version) run alternately, ROUNDS times, by this package's BenchmarkTool.
# Usage: bench/pipeline/ab.sh BEFORE_EXECUTABLE AFTER_EXECUTABLE [OUTPUT_DIR, default /tmp/pipeline-ab]  (ROUNDS=2 by default)
# Each executable must be named PipelineBenchmarks (the tool matches the target by the file name).
set -euo pipefail
cd "$(dirname "$0")"
release=.build/x86_64-unknown-linux-gnu/release
tool=$release/BenchmarkTool
interposer=$PWD/$release/libMallocInterposerSwift.so
before=$1
after=$2
out=${3:-/tmp/pipeline-ab}
mkdir -p "$out"
for round in $(seq "${ROUNDS:-2}"); do
    for side in before after; do
        executable=$before
        [ "$side" = after ] && executable=$after
        echo "round $round $side $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/log"
        LD_LIBRARY_PATH=$(dirname "$interposer") LD_PRELOAD=$interposer "$tool" --command run \
            --baseline-storage-path "$out" --format text --grouping benchmark --benchmark-package-identifier benchmark \
            --no-progress --targets PipelineBenchmarks --benchmark-executable-paths "$executable" \
            --filter 'raw.*' --filter 'chain.*' --filter 'writer.*' --filter 'part.*' > "$out/$side-$round.txt" 2>&1
    done
done
echo "done $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/log"
