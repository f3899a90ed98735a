#!/usr/bin/env bash
# Installs what the SIP throughput benchmark (bench/run.sh) needs and the test command does not:
# Kamailio (the performance anchor) and sipp. Only what is missing is installed.
set -euo pipefail

missing=()
command -v kamailio >/dev/null 2>&1 || [ -x /usr/sbin/kamailio ] || missing+=(kamailio)
command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "install-bench-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y --no-install-recommends kamailio sip-tester
# The package enables and starts a system-wide kamailio on port 5060; the benchmark runs its own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet kamailio 2>/dev/null; then
  $SUDO systemctl stop kamailio || true
fi
