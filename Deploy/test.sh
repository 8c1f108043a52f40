#!/usr/bin/env bash
# Installs what is missing, then builds (optimised, with testing enabled) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Deploy/setup.sh
swift build -c release -Xswiftc -enable-testing --build-tests
swift test -c release -Xswiftc -enable-testing --skip-build "$@"
