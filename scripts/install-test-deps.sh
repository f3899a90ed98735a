#!/usr/bin/env bash
# Installs what the integration tests start as real peers: sipp (Debian sip-tester) and
# nats-server (with JetStream). Idempotent: does nothing when every tool is already
# there, so it is cheap to run before every test.
set -euo pipefail

log() { printf 'install-test-deps: %s\n' "$*" >&2; }

# command -> Debian package. nats-server lives in /usr/sbin, which a user's PATH may lack.
missing=()
command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    log "missing ${missing[*]} and apt-get is not available; install the Debian packages ${missing[*]} by hand"
    exit 1
fi

# CI runs as root without sudo; a developer's machine may need it.
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        log "missing ${missing[*]} and this user is not root and has no sudo"
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
apt_log=$(mktemp)
trap 'rm -f "$apt_log"' EXIT

if ! "${SUDO[@]}" apt-get update -q >"$apt_log" 2>&1 \
    || ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    log "failed to install ${missing[*]} with apt-get"
    exit 1
fi

if ! command -v sipp >/dev/null 2>&1; then
    cat "$apt_log" >&2
    log "sip-tester installed but no sipp on PATH"
    exit 1
fi
if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
    cat "$apt_log" >&2
    log "nats-server installed but not found on PATH or in /usr/sbin"
    exit 1
fi
