#!/usr/bin/env bash
# Installs what is missing, builds Lethe optimised, and runs the main job. Extra arguments go to the job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Deploy/setup.sh
swift build -c release --product lethe
exec .build/release/lethe simulate "$@"
