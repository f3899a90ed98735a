#!/usr/bin/env bash
# Installs what the integration tests start as real peers: sipp (Debian sip-tester),
# nats-server (with JetStream), OpenSSH's sshd (SFTP exporter), and in a Python venv
# moto_server (S3) and gcp-storage-emulator (GCS). Idempotent: does nothing when every
# tool is already there, so it is cheap to run before every test.
#
# The venv lives in $SIPSWARM_TEST_VENV (default: ~/.cache/sipswarm-test-venv, outside the
# work tree so fresh clones on the same machine, as CI makes, reuse it); the Export tests look
# for moto_server and gcp-storage-emulator there.
set -euo pipefail

log() { printf 'install-test-deps: %s\n' "$*" >&2; }

venv="${SIPSWARM_TEST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/sipswarm-test-venv}"

# command -> Debian package. nats-server and sshd live in /usr/sbin, which a user's PATH may lack.
missing=()
command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
# The venv needs python3 with venv support; Debian splits that out.
if ! command -v python3 >/dev/null 2>&1; then
    missing+=(python3 python3-venv)
elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi

install_apt() {
    if ! command -v apt-get >/dev/null 2>&1; then
        log "missing ${missing[*]} and apt-get is not available; install the Debian packages ${missing[*]} by hand"
        exit 1
    fi
    # CI runs as root without sudo; a developer's machine may need it.
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            log "missing ${missing[*]} and this user is not root and has no sudo"
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    local apt_log
    apt_log=$(mktemp)
    if ! "${sudo[@]}" apt-get update -q >"$apt_log" 2>&1 \
        || ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$apt_log" 2>&1; then
        cat "$apt_log" >&2
        rm -f "$apt_log"
        log "failed to install ${missing[*]} with apt-get"
        exit 1
    fi
    rm -f "$apt_log"
    if ! command -v sipp >/dev/null 2>&1; then
        log "sip-tester installed but no sipp on PATH"
        exit 1
    fi
    if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
        log "nats-server installed but not found on PATH or in /usr/sbin"
        exit 1
    fi
    if [ ! -x /usr/sbin/sshd ]; then
        log "openssh-server installed but /usr/sbin/sshd is missing"
        exit 1
    fi
}

if [ "${#missing[@]}" -gt 0 ]; then
    install_apt
fi

# Python peers: pip runs only when one of the two commands is missing from the venv.
if [ ! -x "$venv/bin/moto_server" ] || [ ! -x "$venv/bin/gcp-storage-emulator" ]; then
    if [ ! -x "$venv/bin/python" ]; then
        log "creating the test venv in $venv"
        python3 -m venv "$venv"
    fi
    pip_log=$(mktemp)
    if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check 'moto[server]' gcp-storage-emulator >"$pip_log" 2>&1; then
        cat "$pip_log" >&2
        rm -f "$pip_log"
        log "failed to install moto[server] and gcp-storage-emulator into $venv"
        exit 1
    fi
    rm -f "$pip_log"
    for tool in moto_server gcp-storage-emulator; do
        if [ ! -x "$venv/bin/$tool" ]; then
            log "pip finished but $venv/bin/$tool is missing"
            exit 1
        fi
    done
fi
