#!/usr/bin/env bash
# Installs what is missing, then builds (optimised, with testing enabled) and runs the whole test suite, then runs
# its numeric parts again under a second OpenBLAS kernel set, so a test that holds on one kernel only fails here and
# not on a user's machine with another CPU. LETHE_SECOND_CORETYPE=NAME picks that kernel set; =none skips the pass.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Deploy/setup.sh
bash Deploy/setup-test.sh
swift build -c release -Xswiftc -enable-testing --build-tests
# The test runner loads OpenBLAS before it could pick kernels; give it the ones every lethe process uses here.
primary="${OPENBLAS_CORETYPE:-$(.build/release/lethe bench kernel)}"
echo "test: OpenBLAS core $primary"
OPENBLAS_CORETYPE="$primary" swift test -c release -Xswiftc -enable-testing --skip-build "$@"

# The federation across network namespaces (root and ip netns only; it says why when it skips).
[ "$#" -gt 0 ] || bash Deploy/multihost-test.sh
# The container and Kubernetes kit, checked statically by real validators (no engine or cluster runs here).
[ "$#" -gt 0 ] || bash Deploy/deploy-kit-test.sh

second="${LETHE_SECOND_CORETYPE:-$(bash Deploy/second-kernel.sh "$primary")}"
if [ "$second" = none ] || [ "$#" -gt 0 ]; then
  echo "test: no second-kernel pass (${second:-none} / arguments given)"
  exit 0
fi
echo "test: numeric suites again with OpenBLAS core $second"
OPENBLAS_CORETYPE="$second" swift test -c release -Xswiftc -enable-testing --skip-build \
  --filter 'LetheTensorTests|LetheNNTests|LetheDataTests|LetheUnlearningTests|LetheClientTests'
