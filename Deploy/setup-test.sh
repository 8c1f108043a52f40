#!/usr/bin/env bash
# Installs what the test suite needs beyond Deploy/setup.sh, and only what is missing: Debian's Chromium (the
# report test opens `lethe report`'s page in a real headless browser) and Python's jsonschema (the schema test
# validates every results file against docs/results.schema.json).
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
