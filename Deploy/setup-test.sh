#!/usr/bin/env bash
# Installs what the test suite needs beyond Deploy/setup.sh, and only what is missing: Debian's Chromium (the
# report test opens `lethe report`'s page in a real headless browser), Python's jsonschema (the schema test
# validates every results file against docs/results.schema.json) and, as root, iptables and libnetfilter-queue-dev
# (the multi-host test's delay and loss).
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup-test: installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium
else
  echo "setup-test: chromium present"
fi
if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
  echo "setup-test: installing jsonschema"
  python3 -m pip install --quiet jsonschema || $SUDO apt-get install -y -qq python3-jsonschema
else
  echo "setup-test: jsonschema present"
fi
# The multi-host test (root only) impairs its links with NFQUEUE where the kernel lacks netem: iptables and the
# library nfq-delay links against.
if [ "$(id -u)" -eq 0 ]; then
  missing=()
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  [ -f /usr/include/libnetfilter_queue/libnetfilter_queue.h ] || missing+=(libnetfilter-queue-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup-test: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "setup-test: iptables and libnetfilter-queue-dev present"
  fi
fi
