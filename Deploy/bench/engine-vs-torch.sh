#!/usr/bin/env bash
# Interleaves `lethe bench engine` and shared/bench/torch_reference.py (PyTorch on the same machine, same model,
# batch 128, same thread count) so both see the same machine state. Needs a virtual environment with torch:
#   python3 -m venv /work/torchenv && /work/torchenv/bin/pip install torch numpy
# Usage: Deploy/bench/engine-vs-torch.sh [rounds] [threads]   (TORCH_PYTHON overrides the interpreter)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
threads=${2:-2}
python=${TORCH_PYTHON:-/work/torchenv/bin/python}
reference=${TORCH_REFERENCE:-../shared/bench/torch_reference.py}
swift build -c release --product lethe >/dev/null
for round in $(seq 1 "$rounds"); do
  OPENBLAS_NUM_THREADS=$threads .build/release/lethe bench engine --steps 60 --json "/tmp/lethe-engine-$round.json" \
    | sed -n 's/^ *training/lethe training/p'
  "$python" "$reference" --threads "$threads" --epochs 1 --subset 20000 | tail -1
done
