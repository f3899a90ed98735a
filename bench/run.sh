#!/usr/bin/env bash
# bench/run.sh — SIP throughput: SIPswarm vs Kamailio on this machine (issue 9, steps 1-4).
#
# One command: installs Kamailio and sipp if missing (bench/sip/install-bench-deps.sh), builds
# `sipswarm` in release mode under .build-release, starts Kamailio 5.6 as a stateful proxy with
# dialog-based acc CDRs in front of a sipp UAS, and `sipswarm serve` (config derived from
# examples/loopback.toml: durable writer, ledger, local streams, own data dir) in front of two sipp
# UASes (p1 answers, p2 is the idle failover), each on its own loopback ports (29000-29499), with its
# [metrics] endpoint on tcp 127.0.0.1:29090. First, the node alone: memory per active session (a
# warm-up, then HOLD_CALLS long calls held open at once: VmRSS and sipswarm_active_sessions idle and
# with them up). Then, rate by rate, the two systems in alternation: sipp UAC -> system -> sipp UAS,
# short calls with a BYE; the node's /metrics is scraped before and after each of its steps for the
# added setup delay (p50/p99 of INVITE in -> INVITE out and 200 in -> 200 out). A system's ladder stops
# at its first step with >= MAX_FAIL_PCT failed calls; its max rate is the highest step below.
# Finally: CPU per call (schedstat), peak RSS (VmHWM), CDR counts (node data dir and Kamailio's acc
# lines vs sipp's calls), `sipswarm verify`; a table printed and written into the "SIP throughput:
# SIPswarm vs Kamailio" section of docs/benchmarks.md.
#
# Usage: bench/run.sh [--smoke]
#   --smoke       one 3 s step at 50 calls/s per system and 50 calls held for 2 s on the node (< 10 s
#                 of traffic); docs are not touched.
# Environment:
#   RATES="200 500 …"  call rates to step through (calls/s), ascending
#   STEP_S=15          seconds of call creation per step
#   CALL_MS=100        call length (ACK to BYE), milliseconds
#   MAX_FAIL_PCT=0.1   a step fails at this percentage of failed calls or more
#   SYSTEMS="kamailio sipswarm"   which systems, in this order at every rate
#   HOLD_CALLS=5000    calls the node holds open at once for memory per session (0 skips the phase)
#   HOLD_RATE=250      calls/s while they are set up
#   HOLD_SETTLE_S=5    seconds after the last is set up before the measurement
#   HOLD_MARGIN_S=3    seconds the held calls last beyond the measurement
#   WARM_CALLS=1000    short calls through the node before its idle measurement (first-use allocations)
#   DOC=docs/benchmarks.md        where the section goes; DOC= leaves the docs alone
#   BUILD=0            skip the release build (use SIPSWARM_BIN or .build-release/release/sipswarm)
#   KEEP=1             keep the node's data directory (the run folder is printed either way)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIPDIR=$ROOT/bench/sip

SMOKE=0
for arg in "$@"; do
  case "$arg" in
    --smoke) SMOKE=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

if [ "$SMOKE" = 1 ]; then
  RATES=${RATES:-50}
  STEP_S=${STEP_S:-3}
  DOC=${DOC-}
  HOLD_CALLS=${HOLD_CALLS:-50} HOLD_RATE=${HOLD_RATE:-100} HOLD_SETTLE_S=${HOLD_SETTLE_S:-0} HOLD_MARGIN_S=${HOLD_MARGIN_S:-1}
  WARM_CALLS=${WARM_CALLS:-0}
else
  RATES=${RATES:-"200 500 1000 1250 1500 2000 2500 3000 4000 5000"}
  STEP_S=${STEP_S:-15}
  DOC=${DOC-$ROOT/docs/benchmarks.md}
  HOLD_CALLS=${HOLD_CALLS:-5000} HOLD_RATE=${HOLD_RATE:-250} HOLD_SETTLE_S=${HOLD_SETTLE_S:-5} HOLD_MARGIN_S=${HOLD_MARGIN_S:-3}
  WARM_CALLS=${WARM_CALLS:-1000}
fi
CALL_MS=${CALL_MS:-100}
MAX_FAIL_PCT=${MAX_FAIL_PCT:-0.1}
SYSTEMS=${SYSTEMS:-"kamailio sipswarm"}
BUILD=${BUILD:-1}
KEEP=${KEEP:-0}
SIPSWARM_BIN=${SIPSWARM_BIN:-$ROOT/.build-release/release/sipswarm}
NODE_LOG_LEVEL=${NODE_LOG_LEVEL:-notice}
DIAL=442071234567          # rated for customer c1 in examples/rates (44…)

# Loopback ports (this benchmark owns 29000-29499).
KAM_PORT=29100 KAM_UAS_PORT=29101 KAM_UAC_PORT=29102
NODE_PORT=29060 NODE_P1_PORT=29080 NODE_P2_PORT=29081 NODE_UAC_PORT=29070
NODE_METRICS_PORT=29090    # tcp: the node's [metrics] endpoint

n_rates=$(wc -w <<<"$RATES")
n_sys=$(wc -w <<<"$SYSTEMS")
# Upper bound of the whole load, for the long-running processes' own `timeout`.
# The hold phase: calls last until all are up, settled and measured (+ HOLD_MARGIN_S); its sipp is bounded like a step.
HOLD_RAMP_S=$(( HOLD_RATE > 0 ? (HOLD_CALLS + HOLD_RATE - 1) / HOLD_RATE : 0 ))
HOLD_CALL_MS=$(( (HOLD_RAMP_S + HOLD_SETTLE_S + HOLD_MARGIN_S) * 1000 ))
HOLD_BOUND=$(( HOLD_RAMP_S + HOLD_CALL_MS / 1000 + 45 ))
RUN_BOUND=$(( n_rates * n_sys * (STEP_S + 60) + 2 * HOLD_BOUND + 180 ))
STEP_BOUND=$(( STEP_S + CALL_MS / 1000 + 45 ))

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- processes and cleanup
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    pkill -KILL -P "$p" 2>/dev/null || true   # the process under this `timeout` pid
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_pid() {   # stop_pid PID SECONDS: TERM, wait up to SECONDS, then KILL; drop from PIDS
  local p=$1 secs=$2 i rc=0
  kill -TERM "$p" 2>/dev/null || true
  for i in $(seq 1 $(( secs * 5 ))); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$p" 2>/dev/null; then
    log "pid $p still running ${secs} s after SIGTERM: SIGKILL"
    pkill -KILL -P "$p" 2>/dev/null || true   # the process under this `timeout` pid
  fi
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || rc=$?
  local keep=() q
  for q in "${PIDS[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
  PIDS=("${keep[@]}")
  return "$rc"
}

wait_udp() {   # wait_udp PORT PID: until something listens on 127.0.0.1:PORT (10 s)
  local port=$1 pid=$2
  for _ in $(seq 1 100); do
    if ss -Hlun "sport = :$port" 2>/dev/null | grep -q .; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { log "process $pid for port $port exited"; return 1; }
    sleep 0.1
  done
  log "nothing listens on udp 127.0.0.1:$port after 10 s"; return 1
}

port_free() {
  if ss -Hlun "sport = :$1" 2>/dev/null | grep -q .; then
    echo "bench/run.sh: udp port $1 is in use; stop what holds it" >&2; exit 1
  fi
}
tcp_port_free() {
  if ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; then
    echo "bench/run.sh: tcp port $1 is in use; stop what holds it" >&2; exit 1
  fi
}

start_uas() {   # start_uas PORT LOGNAME -> sets UAS_PID
  timeout -k 5 "$RUN_BOUND" sipp -sf "$SIPDIR/uas.xml" -i 127.0.0.1 -p "$1" -nostdin \
    >"$WORK/$2.out" 2>&1 &
  UAS_PID=$!
  PIDS+=("$UAS_PID")
  wait_udp "$1" "$UAS_PID"
}

# ---------------------------------------------------------------- setup
"$SIPDIR/install-bench-deps.sh"
KAMAILIO=$(command -v kamailio || echo /usr/sbin/kamailio)

if [ "$BUILD" = 1 ]; then
  log "building sipswarm (release, .build-release)"
  (cd "$ROOT" && swift build -c release --scratch-path .build-release --product sipswarm) >&2
fi
[ -x "$SIPSWARM_BIN" ] || { echo "bench/run.sh: no sipswarm binary at $SIPSWARM_BIN" >&2; exit 1; }

for p in $KAM_PORT $KAM_UAS_PORT $KAM_UAC_PORT $NODE_PORT $NODE_P1_PORT $NODE_P2_PORT $NODE_UAC_PORT; do
  port_free "$p"
done
tcp_port_free "$NODE_METRICS_PORT"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sipswarm-sipbench.XXXXXX")
RESULTS=$WORK/results.jsonl
: >"$RESULTS"
log "run folder $WORK"

KAM_PID= NODE_PID=
for sys in $SYSTEMS; do
  case "$sys" in
    kamailio)
      mkdir -p "$WORK/kamailio"
      sed -e "s/@KAM_PORT@/$KAM_PORT/g" -e "s/@UAS_PORT@/$KAM_UAS_PORT/g" \
        "$SIPDIR/kamailio.cfg" >"$WORK/kamailio/kamailio.cfg"
      "$KAMAILIO" -c -f "$WORK/kamailio/kamailio.cfg" >"$WORK/kamailio/check.log" 2>&1 \
        || { cat "$WORK/kamailio/check.log" >&2; exit 1; }
      start_uas "$KAM_UAS_PORT" kamailio-uas; KAM_UAS_PID=$UAS_PID
      timeout -k 5 "$RUN_BOUND" "$KAMAILIO" -f "$WORK/kamailio/kamailio.cfg" -DD -E \
        -x tlsf -m 2048 -M 16 -n 1 -w "$WORK/kamailio" >"$WORK/kamailio/kamailio.out" 2>"$WORK/kamailio/kamailio.log" &
      KAM_PID=$!
      PIDS+=("$KAM_PID")
      wait_udp "$KAM_PORT" "$KAM_PID"
      log "kamailio up (timeout pid $KAM_PID) on udp 127.0.0.1:$KAM_PORT, UAS $KAM_UAS_PORT"
      ;;
    sipswarm)
      mkdir -p "$WORK/node"
      python3 "$SIPDIR/node-config.py" "$ROOT/examples/loopback.toml" "$WORK/node/node.toml" \
        --listen "$NODE_PORT" --p1 "$NODE_P1_PORT" --p2 "$NODE_P2_PORT" --data-dir "$WORK/node/data" \
        --metrics "$NODE_METRICS_PORT"
      start_uas "$NODE_P1_PORT" node-uas-p1; NODE_UAS1_PID=$UAS_PID
      start_uas "$NODE_P2_PORT" node-uas-p2; NODE_UAS2_PID=$UAS_PID
      # -k 60: coreutils timeout sends SIGKILL that long after it forwards a SIGTERM, and the node's
      # graceful stop (drain up to drain_timeout_s = 10, last harvest, shutdown checkpoint) needs its time.
      timeout -k 60 "$RUN_BOUND" "$SIPSWARM_BIN" serve --config "$WORK/node/node.toml" \
        --data-dir "$WORK/node/data" --log-level "$NODE_LOG_LEVEL" >"$WORK/node/node.log" 2>&1 &
      NODE_PID=$!
      PIDS+=("$NODE_PID")
      wait_udp "$NODE_PORT" "$NODE_PID"
      log "sipswarm up (timeout pid $NODE_PID) on udp 127.0.0.1:$NODE_PORT, UAS p1 $NODE_P1_PORT, p2 $NODE_P2_PORT, metrics tcp $NODE_METRICS_PORT"
      ;;
    *) echo "bench/run.sh: unknown system $sys" >&2; exit 2 ;;
  esac
done

node_cdr_lines() {   # CDR records written so far (every line of every file under data/cdr)
  local d=$WORK/node/data/cdr
  [ -d "$d" ] || { echo 0; return; }
  find "$d" -type f -name '*.jsonl' -print0 | xargs -0r cat | wc -l
}
udp_errors() {   # system-wide UDP receive errors so far: "InErrors RcvbufErrors" (/proc/net/snmp)
  awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else { print $c["InErrors"], $c["RcvbufErrors"] } }' /proc/net/snmp
}
kam_cdr_lines() { grep -c 'log_write_cdr()' "$WORK/kamailio/kamailio.log" || true; }
node_rss_kb() { python3 "$SIPDIR/procstat.py" "$NODE_PID" sipswarm | python3 -c 'import json,sys; print(json.load(sys.stdin)["rss_kb_sum"])'; }
node_scrape() { python3 "$SIPDIR/node_metrics.py" scrape "$NODE_METRICS_PORT" "$1"; }

# ---------------------------------------------------------------- one step
# run_step SYSTEM RATE -> appends one JSON line to $RESULTS; returns 0 when the step passed
run_step() {
  local sys=$1 rate=$2 port uac_port pid uas_pids uas_ports sock0 sock1 calls out csv rc=0
  case "$sys" in
    kamailio) port=$KAM_PORT uac_port=$KAM_UAC_PORT pid=$KAM_PID uas_pids="$KAM_UAS_PID" uas_ports=$KAM_UAS_PORT ;;
    sipswarm) port=$NODE_PORT uac_port=$NODE_UAC_PORT pid=$NODE_PID uas_pids="$NODE_UAS1_PID $NODE_UAS2_PID" uas_ports="$NODE_P1_PORT $NODE_P2_PORT" ;;
  esac
  kill -0 "$pid" 2>/dev/null || { log "$sys is not running any more"; return 1; }
  calls=$(( rate * STEP_S ))
  out=$WORK/steps/$sys-$rate
  mkdir -p "$out"
  local cdr0 cdr1 cpu0 cpu1 uas0 uas1 t0 t1 udp0 udp1 setup_delay='{}'
  # The node's histograms before and after, outside the CPU window (a scrape costs the node a little CPU).
  [ "$sys" = sipswarm ] && node_scrape "$out/metrics-before.prom"
  udp0=$(udp_errors)
  sock0=$(python3 "$SIPDIR/udpdrops.py" $port $uac_port $uas_ports)
  cdr0=$( [ "$sys" = kamailio ] && kam_cdr_lines || node_cdr_lines )
  cpu0=$(python3 "$SIPDIR/procstat.py" "$pid")
  uas0=$(for u in $uas_pids; do python3 "$SIPDIR/procstat.py" "$u"; done | paste -sd, -)
  t0=$(date +%s.%N)
  log "$sys: $rate calls/s for ${STEP_S} s ($calls calls of ${CALL_MS} ms)"
  # -recv_timeout fails a call that hears nothing for 10 s instead of letting sipp hang;
  # coreutils timeout bounds the whole step (RIG.md: sipp's own timers can hang after overload).
  (cd "$out" && timeout -k 5 "$STEP_BOUND" sipp "127.0.0.1:$port" -sf "$SIPDIR/uac.xml" -s "$DIAL" \
    -i 127.0.0.1 -p "$uac_port" -m "$calls" -r "$rate" -d "$CALL_MS" -recv_timeout 10000 \
    -nostdin -trace_stat -stf "$out/stat.csv" -fd 1 -trace_err -error_file "$out/errors.log" \
    >"$out/sipp.out" 2>&1) || rc=$?
  t1=$(date +%s.%N)
  sleep 1.5   # last BYEs through, the node's next harvest cycle (100 ms) has written their CDRs
  cpu1=$(python3 "$SIPDIR/procstat.py" "$pid")
  uas1=$(for u in $uas_pids; do python3 "$SIPDIR/procstat.py" "$u"; done | paste -sd, -)
  cdr1=$( [ "$sys" = kamailio ] && kam_cdr_lines || node_cdr_lines )
  udp1=$(udp_errors)
  sock1=$(python3 "$SIPDIR/udpdrops.py" $port $uac_port $uas_ports)
  if [ "$sys" = sipswarm ]; then
    node_scrape "$out/metrics-after.prom"
    setup_delay=$(python3 "$SIPDIR/node_metrics.py" delay "$out/metrics-before.prom" "$out/metrics-after.prom")
  fi
  python3 "$SIPDIR/report.py" step --system "$sys" --rate "$rate" --step-s "$STEP_S" --calls "$calls" \
    --call-ms "$CALL_MS" --stat "$out/stat.csv" --sipp-rc "$rc" --t0 "$t0" --t1 "$t1" --cpu0 "$cpu0" --cpu1 "$cpu1" \
    --uas0 "[$uas0]" --uas1 "[$uas1]" --cdr0 "$cdr0" --cdr1 "$cdr1" --max-fail-pct "$MAX_FAIL_PCT" \
    --udp0 "$udp0" --udp1 "$udp1" --sock0 "$sock0" --sock1 "$sock1" --setup-delay "$setup_delay" \
    >>"$RESULTS"
  tail -n 1 "$RESULTS" | python3 "$SIPDIR/report.py" line >&2
  tail -n 1 "$RESULTS" | python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.stdin.read())["passed"] else 1)'
}

# ---------------------------------------------------------------- memory per active session (the node)
# Before the ladder, on a node that has only been warmed up: after an overloaded step the allocator keeps
# the backlog's memory, and held sessions reusing it would look free.
HOLD=$WORK/hold.json
hold_phase() {
  local out=$WORK/steps/sipswarm-hold rc=0 hold_pid rss_idle rss_held rss_after
  mkdir -p "$out"
  if [ "$WARM_CALLS" -gt 0 ]; then
    log "sipswarm: warm-up, $WARM_CALLS calls of ${CALL_MS} ms at $HOLD_RATE/s"
    (cd "$out" && timeout -k 5 $(( WARM_CALLS / HOLD_RATE + 45 )) sipp "127.0.0.1:$NODE_PORT" -sf "$SIPDIR/uac.xml" -s "$DIAL" \
      -i 127.0.0.1 -p "$NODE_UAC_PORT" -m "$WARM_CALLS" -r "$HOLD_RATE" -d "$CALL_MS" -recv_timeout 10000 -nostdin \
      -trace_stat -stf "$out/warm-stat.csv" -fd 1 >"$out/warm.out" 2>&1) || log "warm-up: sipp exit $? (see $out/warm.out)"
    sleep 1.5
  fi
  node_scrape "$out/idle.prom"
  rss_idle=$(node_rss_kb)
  log "sipswarm: holding $HOLD_CALLS calls open (set up at $HOLD_RATE/s, each ${HOLD_CALL_MS} ms), measuring after $(( HOLD_RAMP_S + HOLD_SETTLE_S )) s"
  # exec: the background pid is `timeout` itself, so the cleanup's SIGTERM reaches sipp.
  (cd "$out" && exec timeout -k 5 "$HOLD_BOUND" sipp "127.0.0.1:$NODE_PORT" -sf "$SIPDIR/uac.xml" -s "$DIAL" \
    -i 127.0.0.1 -p "$NODE_UAC_PORT" -m "$HOLD_CALLS" -r "$HOLD_RATE" -d "$HOLD_CALL_MS" -recv_timeout 10000 \
    -nostdin -trace_stat -stf "$out/stat.csv" -fd 1 -trace_err -error_file "$out/errors.log" \
    >"$out/sipp.out" 2>&1) &
  hold_pid=$!
  PIDS+=("$hold_pid")
  sleep $(( HOLD_RAMP_S + HOLD_SETTLE_S ))
  node_scrape "$out/held.prom"
  rss_held=$(node_rss_kb)
  cp "$out/stat.csv" "$out/stat-held.csv" 2>/dev/null || : >"$out/stat-held.csv"
  stop_pid_wait "$hold_pid" || rc=$?
  sleep 1.5   # the last BYEs through
  node_scrape "$out/after.prom"
  rss_after=$(node_rss_kb)
  python3 "$SIPDIR/report.py" hold --calls "$HOLD_CALLS" --rate "$HOLD_RATE" --call-ms "$HOLD_CALL_MS" \
    --warm-calls "$WARM_CALLS" --warm-stat "$out/warm-stat.csv" --sipp-rc "$rc" --stat "$out/stat.csv" --stat-held "$out/stat-held.csv" \
    --rss-idle "$rss_idle" --rss-held "$rss_held" --rss-after "$rss_after" \
    --idle "$out/idle.prom" --held "$out/held.prom" --after "$out/after.prom" >"$HOLD"
  python3 "$SIPDIR/report.py" hold-line <"$HOLD" >&2
}

stop_pid_wait() {   # stop_pid_wait PID: wait for a background process to end by itself; drop it from PIDS
  local p=$1 rc=0 keep=() q
  wait "$p" || rc=$?
  for q in "${PIDS[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
  PIDS=("${keep[@]}")
  return "$rc"
}

if [ -n "$NODE_PID" ] && [ "$HOLD_CALLS" -gt 0 ]; then hold_phase; fi

# ---------------------------------------------------------------- the ladder, alternating
declare -A DONE=()
for rate in $RATES; do
  active=0
  for sys in $SYSTEMS; do
    [ -n "${DONE[$sys]:-}" ] && continue
    active=1
    run_step "$sys" "$rate" || DONE[$sys]=1
  done
  [ "$active" = 1 ] || break
done

# ---------------------------------------------------------------- stop, count, verify
FINAL=$WORK/final.json
{
  echo "{"
  echo "\"date\": \"$(date -u +%Y-%m-%dT%H:%MZ)\","
  echo "\"command\": $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "bench/run.sh $* (RATES=\"$RATES\" STEP_S=$STEP_S CALL_MS=$CALL_MS)"),"
  echo "\"machine\": $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' \
    "$(nproc) vCPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem/{print $2}') GB RAM, Linux $(uname -r)"),"
  echo "\"kamailio_version\": \"$("$KAMAILIO" -v 2>/dev/null | sed -n 's/^version: kamailio \([^ ]*\).*/\1/p')\","
  echo "\"sipp_version\": \"$(sipp -v 2>/dev/null | sed -n 's/.*SIPp v\([0-9.]*\).*/\1/p' | head -1)\","
  echo "\"swift_version\": \"$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([^ ]*\).*/\1/p' | head -1)\","
  echo "\"git\": \"$(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- Sources Package.swift || echo '+uncommitted Sources')\","
  echo "\"load_before\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
  if [ -n "$KAM_PID" ]; then
    echo "\"kamailio_mem\": $(python3 "$SIPDIR/procstat.py" "$KAM_PID" kamailio),"
    stop_pid "$KAM_PID" 10 || true
    echo "\"kamailio_cdrs\": $(kam_cdr_lines),"
  fi
  if [ -n "$NODE_PID" ]; then
    echo "\"node_mem\": $(python3 "$SIPDIR/procstat.py" "$NODE_PID" sipswarm),"
    [ -s "$HOLD" ] && echo "\"node_hold\": $(cat "$HOLD"),"
    echo "\"node_cdrs_before_stop\": $(node_cdr_lines),"
    # Is the node still busy (a backlog from the last step)? Its CPU over 2 s before the stop.
    c0=$(python3 "$SIPDIR/procstat.py" "$NODE_PID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cpu_ns"])')
    sleep 2
    c1=$(python3 "$SIPDIR/procstat.py" "$NODE_PID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cpu_ns"])')
    echo "\"node_cpu_pct_before_stop\": $(( (c1 - c0) / 20000000 )),"
    node_rc=0 ts0=$(date +%s.%N)
    stop_pid "$NODE_PID" 70 || node_rc=$?   # drain_timeout_s is 10 in the derived config
    echo "\"node_stop_s\": $(python3 -c "print(round($(date +%s.%N) - $ts0, 1))"),"
    echo "\"node_exit\": $node_rc,"
    echo "\"node_cdrs\": $(node_cdr_lines),"
    verify_rc=0
    timeout -k 5 120 "$SIPSWARM_BIN" verify "$WORK/node/data" >"$WORK/node/verify.log" 2>&1 || verify_rc=$?
    echo "\"node_verify_rc\": $verify_rc,"
    echo "\"node_verify\": $(tail -n 3 "$WORK/node/verify.log" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().strip()))'),"
    echo "\"node_log_lines\": $(wc -l <"$WORK/node/node.log"),"
    echo "\"node_log_levels\": $(python3 -c '
import collections, json, re, sys
c = collections.Counter()
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"\b(trace|debug|info|notice|warning|error|critical)\b", line)
    c[m.group(1) if m else "other"] += 1
print(json.dumps(c))' "$WORK/node/node.log"),"
  fi
  echo "\"end\": true"
  echo "}"
} >"$FINAL"
cleanup

python3 "$SIPDIR/report.py" summary --results "$RESULTS" --final "$FINAL" ${DOC:+--doc "$DOC"}

if [ "$KEEP" != 1 ]; then rm -rf "$WORK/node/data"; fi
log "done; logs, per-step sipp output and results.jsonl in $WORK"
