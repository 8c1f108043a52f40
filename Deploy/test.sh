#!/usr/bin/env bash
# Installs what is missing, then builds (optimised, with testing enabled) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Deploy/setup.sh
swift build -c release -Xswiftc -enable-testing --build-tests
# The test runner loads OpenBLAS before it could pick kernels; give it the ones every lethe process uses here.
OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-$(.build/release/lethe bench kernel)}"
export OPENBLAS_CORETYPE
echo "test: OpenBLAS core $OPENBLAS_CORETYPE"
swift test -c release -Xswiftc -enable-testing --skip-build "$@"
