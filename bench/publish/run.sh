#!/usr/bin/env bash
# Publishing benchmark (issue 6), release build, in one run on this machine:
#   - a private `nats-server -js` on a free loopback port in 28400-28499 with a temporary store, stopped at the end;
#   - N CDRs (default 50,000) written through a real JSONLinesRecordSink into a temporary data directory;
#   - the node's publishing path (StreamPublisher + JetStreamBackend wired as `sipswarm serve` wires them) draining
#     all N into a fresh stream, at several max_in_flight values, and its parts measured apart (no network, the
#     backend alone, the cursor write);
#   - the ceiling of the same server: nats-py pipelined async publishes of the same bodies (the `nats bench --js
#     --pub` style) and our own client's JetStream publishes with everything in flight;
#   - the result lines kept in BENCH_DATA_DIR/last-results.jsonl (`report.py FILE [--doc DOC]` redoes the table);
#   - a table on standard output, and the generated block of "Publishing to NATS JetStream" in docs/benchmarks.md
#     replaced (DOC= to skip, DOC=FILE for another file).
# Every run checks that its stream ends with exactly N messages, then deletes the stream.
#
#   N=50000 REPEAT=4 WINDOWS="16 64 256 1024" bench/publish/run.sh
#   BENCH_DATA_DIR=DIR   where the data directory and the server's store go (default bench/publish/.bench-data;
#                        a real disk, not tmpfs: the sink and the cursor fsync)
#   NATS_SERVER_BIN=…    the server (default: nats-server on PATH, else /usr/sbin/nats-server)
#   SIPSWARM_TEST_VENV=… the Python venv for nats-py (default ~/.cache/sipswarm-test-venv; nats-py is installed
#                        into it with pip when missing)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=${N:-50000}
repeat=${REPEAT:-4}
windows=${WINDOWS:-"16 64 256 1024"}
default_in_flight=256  # [nats] max_in_flight default (NATSSettings.defaultMaxInFlight)
doc=${DOC-$root/docs/benchmarks.md}
venv=${SIPSWARM_TEST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/sipswarm-test-venv}

log() { printf 'publish-bench: %s\n' "$*" >&2; }

server_bin=${NATS_SERVER_BIN:-$(command -v nats-server || true)}
[ -n "$server_bin" ] || server_bin=/usr/sbin/nats-server
[ -x "$server_bin" ] || { log "no nats-server (scripts/install-test-deps.sh installs Debian's)"; exit 1; }

if ! "$venv/bin/python" -c 'import nats' >/dev/null 2>&1; then
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    log "installing nats-py into $venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check nats-py
fi
python="$venv/bin/python"

log "building (release)"
(cd "$here" && swift build -c release --product PublishBenchmark >&2)
bin="$here/.build/release/PublishBenchmark"

base=${BENCH_DATA_DIR:-$here/.bench-data}
mkdir -p "$base"
work=$(mktemp -d "$base/run.XXXXXX")
data="$work/data"
results="$work/results.jsonl"
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# A port nobody listens on; the server must then come up on it (another process taking it first fails the run).
port=
for candidate in $(seq 28400 28499); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
        port=$candidate
        break
    fi
done
[ -n "$port" ] || { log "no free port in 28400-28499"; exit 1; }
url="nats://127.0.0.1:$port"
"$server_bin" -a 127.0.0.1 -p "$port" -n "publish-bench-$port" -js -sd "$work/store" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
    grep -q "Server is ready" "$work/server.log" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; log "nats-server exited"; exit 1; }
    sleep 0.1
done
grep -q "Server is ready" "$work/server.log" || { cat "$work/server.log" >&2; log "nats-server not ready"; exit 1; }
log "nats-server $("$server_bin" --version | awk '{print $2}') on $url, store $work/store"

run() { "$@" | tee -a "$results"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

cat >>"$results" <<META
{"mode":"meta","date":"$(date -u +'%Y-%m-%d %H:%M UTC')","machine":"$(nproc) vCPUs ($(lscpu | sed -n 's/^Model name: *//p')), $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(uname -sr), $(swift --version 2>/dev/null | sed -n 's/^.*Swift version \([0-9.]*\).*$/Swift \1/p' | head -1)","server_version":"$("$server_bin" --version | awk '{print $2}')","store_fs":"$(df -T "$work" | awk 'NR==2 {print $2}')","python":"Python $("$python" -c 'import platform; print(platform.python_version())')","nats_py":"$("$python" -m pip show nats-py 2>/dev/null | sed -n 's/^Version: //p')","default_in_flight":$default_in_flight,"load_start":"$(loadavg)"}
META

log "writing $n CDRs through JSONLinesRecordSink"
run "$bin" write "$data" "$n"
run "$bin" cursor "$data" 200
run "$bin" null "$data" "$default_in_flight"

# A fresh stream (and so a fresh publisher cursor, which is per destination) for every run.
streams=0
new_stream() { streams=$((streams + 1)); stream="BENCH_$streams"; }
# Interleaved rounds, so a burst of load from elsewhere on the machine hits every kind of run alike; the report
# takes medians over the rounds and the publisher/ceiling ratio within each round.
for rep in $(seq 1 "$repeat"); do
    log "round $rep of $repeat"
    round() { "$@" | sed "s/^{/{\"round\":$rep,/" | tee -a "$results"; }
    new_stream
    round "$bin" publisher "$data" "$url" "$stream" "$default_in_flight"
    new_stream
    round "$python" "$here/ceiling.py" "$data" "$url" "$stream"
    new_stream
    round "$bin" raw "$data" "$url" "$stream" 4096
    new_stream
    round "$python" "$here/ceiling.py" "$data" "$url" "$stream" --no-msg-id
    new_stream
    round "$bin" backend "$data" "$url" "$stream" "$default_in_flight" 1024
    new_stream
    round "$bin" raw "$data" "$url" "$stream" 1024
done
log "in-flight window of the publisher: $windows"
for window in $windows; do
    [ "$window" = "$default_in_flight" ] && continue
    new_stream
    run "$bin" publisher "$data" "$url" "$stream" "$window"
done
# The publisher's batch barrier: the same window, four times the read-ahead (a cursor write per 4096 records).
new_stream
run "$bin" publisher "$data" "$url" "$stream" "$default_in_flight" 4096
new_stream
run "$bin" raw "$data" "$url" "$stream" 256
new_stream
run "$python" "$here/ceiling.py" "$data" "$url" "$stream" --pending 256
echo "{\"mode\":\"meta\",\"load_end\":\"$(loadavg)\"}" >>"$results"
cp "$results" "$base/last-results.jsonl"

echo
if [ -n "$doc" ]; then
    "$python" "$here/report.py" "$results" --doc "$doc"
else
    "$python" "$here/report.py" "$results"
fi
