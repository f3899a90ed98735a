#!/usr/bin/env bash
# The one test command: installs test dependencies, builds (debug, including the
# sipswarm executable the integration tests start), then runs every test target.
# Extra arguments go to both swift build and swift test, e.g. --scratch-path .build-me.
set -euo pipefail

cd "$(dirname "$0")/.."

scripts/install-test-deps.sh

swift build "$@"

# Integration tests start the binary from this very build unless SIPSWARM_BIN says otherwise.
if [ -z "${SIPSWARM_BIN:-}" ]; then
    SIPSWARM_BIN="$(swift build --show-bin-path "$@")/sipswarm"
    export SIPSWARM_BIN
fi

swift test "$@"
