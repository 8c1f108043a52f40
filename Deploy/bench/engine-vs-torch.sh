#!/usr/bin/env bash
# Lethe's engine against PyTorch on this machine, interleaved round by round so both see the same machine state;
# prints each round's ratio and the median. Same model, batch and thread count on both sides.
#
#   Deploy/bench/engine-vs-torch.sh [rounds] [threads]
#       `lethe bench engine --steps 60` against Deploy/bench/torch_engine.py (synthetic batches of 128, same SGD
#       settings): training and inference samples/s.
#   Deploy/bench/engine-vs-torch.sh --epoch [rounds] [threads]
#       a whole `lethe train --epochs 1` (all 60,000 images; loading, batching and the test evaluation count) against
#       ../shared/bench/torch_reference.py --epochs 1: wall seconds of each command and training samples/s.
#
# Needs a virtual environment with torch (TORCH_PYTHON overrides the interpreter, LETHE the binary):
#   python3 -m venv /work/torchenv && /work/torchenv/bin/pip install torch numpy \
#       --index-url https://download.pytorch.org/whl/cpu --extra-index-url https://pypi.org/simple
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=steps
if [[ "${1:-}" == "--epoch" ]]; then mode=epoch; shift; fi
rounds=${1:-3}
threads=${2:-2}
python=${TORCH_PYTHON:-/work/torchenv/bin/python}
reference=${TORCH_REFERENCE:-../shared/bench/torch_reference.py}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# LETHE names an already built binary (e.g. the test build's, to avoid a rebuild with other flags).
lethe=${LETHE:-}
if [[ -z $lethe ]]; then swift build -c release --product lethe >/dev/null; lethe=.build/release/lethe; fi
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
# seconds OUT COMMAND…: runs COMMAND with its stdout in OUT and prints its wall seconds.
seconds() { local out=$1 start; shift; start=$(date +%s.%N); "$@" > "$out"; python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')"; }

echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1); OpenBLAS core: $($lethe bench kernel); $threads thread(s); $("$python" -c 'import torch; print("torch", torch.__version__)')"
ratios=()
for round in $(seq 1 "$rounds"); do
  if [[ $mode == steps ]]; then
    OPENBLAS_NUM_THREADS=$threads $lethe bench engine --steps 60 --threads "$threads" --json "$work/lethe.json" >/dev/null
    "$python" Deploy/bench/torch_engine.py --threads "$threads" --steps 60 > "$work/torch.json"
    read -r lt li < <(echo "$(field "$work/lethe.json" train_samples_per_s) $(field "$work/lethe.json" infer_samples_per_s)")
    read -r tt ti < <(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read()); print(d["train_samples_per_s"], d["infer_samples_per_s"])' "$work/torch.json")
    line=$(python3 -c "print(f'round $round: training lethe {$lt:,.0f} torch {$tt:,.0f} samples/s = {$lt/$tt:.2f} x; inference lethe {$li:,.0f} torch {$ti:,.0f} = {$li/$ti:.2f} x')")
    ratios+=("$(python3 -c "print($lt/$tt, $li/$ti)")")
  else
    ls=$(seconds /dev/null env OPENBLAS_NUM_THREADS="$threads" $lethe train --epochs 1 --threads "$threads" --json "$work/lethe.json")
    ts=$(seconds "$work/torch.json" "$python" "$reference" --threads "$threads" --epochs 1)
    lt=$(field "$work/lethe.json" train_samples_per_s)
    tt=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["train_samples_per_s"])' "$work/torch.json")
    line=$(python3 -c "print(f'round $round: lethe train --epochs 1 {$ls} s ({$lt:,.0f} samples/s training); torch epoch {$ts} s ({$tt:,.0f} samples/s); wall ratio torch/lethe {$ts/$ls:.2f} x')")
    ratios+=("$(python3 -c "print($ts/$ls, 0)")")
  fi
  echo "$line"
done
printf '%s\n' "${ratios[@]}" | python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
print("median ratio: " + ("training %.2f x, inference %.2f x" % (statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)) if "'$mode'" == "steps" else "whole epoch (wall) %.2f x" % statistics.median(r[0] for r in rows)))'
