#!/usr/bin/env bash
# Installs the Debian packages Lethe needs, and only those that are missing.
# Safe to run repeatedly: it asks dpkg first and calls apt-get only when something is absent.
set -euo pipefail

PACKAGES=(
  pkg-config
  libopenblas-dev        # GEMM (cblas_sgemm)
  zlib1g-dev             # gzip-compressed IDX files
  dataset-fashion-mnist  # the real data, under /usr/share/datasets/fashion-mnist
  libzmq3-dev            # ZeroMQ transport
  libprotobuf-c-dev      # C client of the wire format
  protobuf-c-compiler    # protoc-c, to regenerate the C client code
  protobuf-compiler      # protoc, to regenerate the Swift code
  libsqlite3-dev         # deletion ledger (GRDB)
  openssl                # tests: certificate signatures checked by an implementation other than swift-crypto's
  python3                # tests: reference values (Tests/Reference/)
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#PACKAGES[@]} Debian packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
