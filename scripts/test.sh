#!/usr/bin/env bash
# The one test command: installs test dependencies, builds (debug, including the
# sipswarm executable that the integration tests start), then runs every test target.
set -euo pipefail

cd "$(dirname "$0")/.."

scripts/install-test-deps.sh

swift build "$@"
swift build --build-tests "$@"

# Integration tests start the binary from this build unless SIPSWARM_BIN says otherwise.
if [ -z "${SIPSWARM_BIN:-}" ]; then
    SIPSWARM_BIN="$(swift build --show-bin-path "$@")/sipswarm"
    export SIPSWARM_BIN
fi

swift test --skip-build "$@"
