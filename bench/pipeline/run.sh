#!/usr/bin/env bash
# CDR pipeline micro-benchmarks (issue 9), release build: records/s of what the record writer does per record
# (canonical JSON of a rated CDR or an attempt, HashChain.seal, Merkle append) next to raw SHA-256 over exactly the
# same line bytes, the parts apart, and SIP parser messages/s on six realistic messages (with and without reading
# the transaction fields). Every benchmark runs 1,000 inner iterations per sample, so `Throughput (# / s)` is
# records/s or messages/s.
# Extra arguments go to the benchmark plugin, e.g. --filter "parse.*" or --format markdown.
set -euo pipefail
cd "$(dirname "$0")"
swift package --disable-sandbox benchmark --target PipelineBenchmarks --no-progress "$@"
