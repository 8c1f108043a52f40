#!/usr/bin/env bash
# Prints the OpenBLAS core type to run the numeric tests under besides PRIMARY (the argument): one whose float32
# summation order differs from PRIMARY's and that this CPU can run, or "none". AVX-512 kernels (SkylakeX,
# Cooperlake) are checked against the AVX2 ones (Haswell; Zen uses Haswell's sgemm), AVX2 against AVX-512 where the
# CPU has it and against the SSE3 Prescott kernels where it does not.
set -euo pipefail
primary="${1:?usage: second-kernel.sh PRIMARY_CORETYPE}"
flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
has() { for f in "$@"; do [[ "$flags" == *" $f "* ]] || return 1; done; }
case "${primary,,}" in
  skylakex|cooperlake|sapphirerapids) has avx2 fma && echo Haswell || echo Prescott ;;
  haswell|zen) has avx512f avx512bw avx512dq avx512vl && echo SkylakeX || echo Prescott ;;
  *) has avx2 fma && echo Haswell || echo none ;;
esac
