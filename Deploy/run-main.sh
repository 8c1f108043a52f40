#!/usr/bin/env bash
# Installs what is missing, builds Lethe optimised, and runs the main job. Extra arguments go to the job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Deploy/setup.sh
swift build -c release --product lethe
exec .build/release/lethe unlearn --train-subset 12000 --test-subset 2000 --epochs 5 \
  --method salun,wss-cl --cache-dir .build/lethe-cache "$@"
