#!/usr/bin/env bash
# Prints the Kubernetes Secrets holding the kits written by `lethe provision` (Deploy/kubernetes/project.json):
#   Deploy/kubernetes/make-secrets.sh KITS [NAMESPACE] | kubectl apply -f -
#   lethe-kit-coordinator  KITS/coordinator/FILE  as key FILE        (coordinator.yaml)
#   lethe-kit-clients      KITS/client-N/FILE     as key client-N.FILE (clients.yaml: each pod takes its client-N.*)
# Secret keys cannot hold '/', hence the flattened client names. The operator's kit is left out on purpose: it
# authorises deletions and stays with the person who submits them (`lethe forget --config KITS/operator/lethe.json
# --connect tcp://127.0.0.1:5555` through `kubectl -n lethe port-forward svc/lethe-coordinator 5555`).
# Needs no cluster: with kubectl it uses `kubectl create secret --dry-run=client -o yaml`, without it (or with
# LETHE_NO_KUBECTL=1) it writes the same Secrets itself with base64. NAMESPACE defaults to lethe.
# The output holds secret keys: pipe it to kubectl, do not leave it in a file.
set -euo pipefail
kits="${1:?usage: make-secrets.sh KITS [NAMESPACE]}"
namespace="${2:-lethe}"
[ -f "$kits/coordinator/lethe.json" ] || { echo "make-secrets: no coordinator kit in $kits" >&2; exit 1; }

# secret NAME KEY=FILE...: one Secret as YAML on stdout.
secret() {
  local name="$1" pair; shift
  for pair in "$@"; do
    # Kubernetes' rule for data keys; provision's file names always meet it.
    [[ "${pair%%=*}" =~ ^[-._a-zA-Z0-9]+$ ]] \
      || { echo "make-secrets: '${pair%%=*}' is not a valid Secret key" >&2; exit 1; }
  done
  if command -v kubectl >/dev/null 2>&1 && [ -z "${LETHE_NO_KUBECTL:-}" ]; then
    local args=() ; for pair in "$@"; do args+=("--from-file=$pair"); done
    # creationTimestamp: null is an artefact of the dry run; drop it so the document is exactly what we mean.
    kubectl create secret generic "$name" --namespace "$namespace" --type Opaque "${args[@]}" \
      --dry-run=client -o yaml | grep -v '^  creationTimestamp: null$'
  else
    printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\ntype: Opaque\ndata:\n' \
      "$name" "$namespace"
    for pair in "$@"; do printf '  %s: %s\n' "${pair%%=*}" "$(base64 -w0 < "${pair#*=}")"; done
  fi
}

# add_kit DIR PREFIX: every file of a kit folder onto `pairs`, as KEY=PATH with KEY = PREFIX + file name.
add_kit() {
  local f
  for f in "$1"/*; do
    [ -f "$f" ] || { echo "make-secrets: $f is not a file (a kit folder holds only files)" >&2; exit 1; }
    pairs+=("$2${f##*/}=$f")
  done
}

pairs=(); add_kit "$kits/coordinator" ""; coordinator=("${pairs[@]}")
# Clients are the kits whose lethe.json has an index; clients.yaml maps pod lethe-client-N to kit client-N, so their
# ids must be client-0, client-1, ... Anything else is an operator's kit and stays out.
pairs=()
for kit in "$kits"/*/; do
  kit="${kit%/}" name="${kit##*/}"
  [ "$name" != coordinator ] && [ -f "$kit/lethe.json" ] || continue
  if grep -q '"index"' "$kit/lethe.json"; then
    [[ "$name" =~ ^client-[0-9]+$ ]] || { echo "make-secrets: client kit '$name' is not named client-N" >&2; exit 1; }
    add_kit "$kit" "$name."
  else
    echo "make-secrets: left out $name (an operator's kit: it stays off the cluster)" >&2
  fi
done
[ ${#pairs[@]} -gt 0 ] || { echo "make-secrets: no client-N kit in $kits" >&2; exit 1; }

secret lethe-kit-coordinator "${coordinator[@]}"
echo "---"
secret lethe-kit-clients "${pairs[@]}"
