#!/usr/bin/env bash
# The federation across real network stacks: a coordinator and 3 clients, each in its own network namespace with
# its own address on a bridge (not loopback), run from kits made by `lethe provision` with CURVE on. Checks:
#   1. a deletion job end to end (its certificate verified against the model and the ids);
#   2. the same under 50 ms delay and 1 % loss on every host: `tc netem` where the kernel has it, else NFQUEUE with
#      Deploy/netem/nfq-delay (skipped, saying why, when neither is available); bytes per phase compared with job 1;
#   3. a client's link cut mid-job for longer than the heartbeat timeout, then restored: the job still finishes and
#      the client joins again by itself; then the same for the job's holder, whose job resumes with it;
#   4. a host with a key not on the allow-list gets no deletion through, a client from another project's kit and a
#      plaintext client are not admitted, and the coordinator logs each refusal once with its cause;
#   5. the ledger and the live state read over the coordinator's socket from another host (and not with a stranger's key).
# Needs root and `ip netns` (iproute2); otherwise it prints why and exits 0. Run by Deploy/test.sh.
#   Deploy/multihost-test.sh [LETHE_BINARY]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
lethe="${1:-$root/.build/release/lethe}"
say() { echo "multihost: $*"; }
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! ip netns add "lethe-probe-$$" 2>/dev/null; then
  say "skipped: needs root and ip netns (iproute2)"; exit 0
fi
ip netns del "lethe-probe-$$"
[ -x "$lethe" ] || { say "no lethe binary at $lethe"; exit 1; }

tag=$(( $$ % 250 ))  # one address octet, and short interface names
work="$(mktemp -d)"
bridge="lbr$tag"
hosts=(coord c0 c1 c2 stranger)
declare -A address=([coord]=10.77.$tag.1 [c0]=10.77.$tag.10 [c1]=10.77.$tag.11 [c2]=10.77.$tag.12 [stranger]=10.77.$tag.99)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  # Those are the subshells running `on … &`; the nodes are their children. Every node's command line names its kit
  # under $work, which no other process's does.
  pkill -TERM -f -- "--config $work/kits/" 2>/dev/null || true
  pkill -TERM -f -- "$work/nfq-delay" 2>/dev/null || true
  sleep 0.5
  pkill -KILL -f -- "--config $work/kits/" 2>/dev/null || true
  for h in "${hosts[@]}"; do ip netns del "lethe-$h-$tag" 2>/dev/null || true; done
  ip link del "$bridge" 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { say "FAILED: $*"; for f in "$work"/*.log; do echo "--- $f"; tail -20 "$f"; done; exit 1; }

# The network: one namespace per host, a veth pair each, the host ends on a bridge.
ip link add "$bridge" type bridge && ip link set "$bridge" up
for h in "${hosts[@]}"; do
  ns="lethe-$h-$tag"
  ip netns add "$ns"
  ip link add "v$h$tag" type veth peer name eth0 netns "$ns"
  ip link set "v$h$tag" master "$bridge" up
  ip netns exec "$ns" ip addr add "${address[$h]}/24" dev eth0
  ip netns exec "$ns" ip link set eth0 up
  ip netns exec "$ns" ip link set lo up
done
on() { local h="$1"; shift; ip netns exec "lethe-$h-$tag" "$@"; }
say "network: ${#hosts[@]} namespaces on bridge $bridge (${address[coord]} coordinator)"

wait_for() {  # wait_for SECONDS FILE PATTERN
  local deadline=$(( SECONDS + $1 ))
  until grep -q "$3" "$2" 2>/dev/null; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.2; done
}
# Kits: CURVE on; the operator submits from client-0's host.
cat > "$work/project.json" <<EOF
{"coordinator": {"bind": "tcp://${address[coord]}:5555",
                 "options": {"rounds": 1, "local-epochs": 1, "output": "state"}},
 "clients": [{"id": "client-0", "options": {"index": 0}}, {"id": "client-1", "options": {"index": 1}},
             {"id": "client-2", "options": {"index": 2}}],
 "clientOptions": {"clients": 3, "limit": 150, "test-limit": 100}}
EOF
"$lethe" provision "$work/project.json" --output "$work/kits" > "$work/provision.log"
"$lethe" provision "$work/project.json" --output "$work/stranger-kits" > /dev/null  # the same ids, other keys
kits="$work/kits"
on coord "$lethe" coordinator --config "$kits/coordinator/lethe.json" > "$work/coordinator.log" 2>&1 & pids+=($!)
for i in 0 1 2; do
  on "c$i" "$lethe" client --config "$kits/client-$i/lethe.json" > "$work/client-$i.log" 2>&1 & pids+=($!)
done
wait_for 30 "$work/coordinator.log" "CURVE on" || fail "the coordinator does not say CURVE is on"

forget() {  # forget HOST REQUEST CLIENT IDSFILE [more flags]
  local h="$1" request="$2" client="$3" ids="$4"; shift 4
  on "$h" "$lethe" forget --config "$kits/operator/lethe.json" --client "$client" --ids "$ids" \
    --request-id "$request" "$@"
}
wait_for 120 "$work/coordinator.log" "training original: published" || fail "the original was not trained"
say "original trained over CURVE across namespaces"
# A client's log names the ids of its share's first samples ("… (first ids A B C D)").
ids_file() { tr ' ' '\n' <<<"$2" > "$work/$1.ids"; echo "$work/$1.ids"; }
first_ids() { grep -o 'first ids [0-9 ]*' "$work/client-$1.log" | head -1 | cut -d' ' -f3- | sed 's/ *$//'; }

# 1. A deletion job end to end.
job1=$(ids_file job1 "$(first_ids 0 | cut -d' ' -f1-2)")
forget c0 mh-1 client-0 "$job1" --timeout 30 --wait --wait-timeout 120 > "$work/forget-1.log" 2>&1 \
  || fail "job 1 did not finish"
"$lethe" certificate verify "$kits/coordinator/state/certificates/mh-1.json" --ids "$job1" > "$work/verify-1.log" \
  || fail "job 1's certificate did not verify"
say "1. deletion job finished; certificate verified"

# 2. Delay and loss: 50 ms each way and 1 % of packets lost on every host, with `tc netem` where the kernel has it,
#    else with Deploy/netem/nfq-delay (NFQUEUE: each host's incoming packets held 50 ms, 1 % dropped, seeded).
#    Ingress, not egress: a packet held below the sender's socket counts against TCP Small Queues and throttles the
#    flow to a few KB per round trip, which is not what a slow network does.
job2=$(ids_file job2 "$(first_ids 1 | cut -d' ' -f1-2)")
impairment=""
if on c1 tc qdisc add dev eth0 root netem delay 50ms loss 1% 2>/dev/null; then
  for h in coord c0 c2; do on "$h" tc qdisc add dev eth0 root netem delay 50ms loss 1%; done
  impairment="tc netem"
elif command -v iptables >/dev/null && [ -f /usr/include/libnetfilter_queue/libnetfilter_queue.h ] \
     && gcc -O2 -o "$work/nfq-delay" "$root/Deploy/netem/nfq-delay.c" -lnetfilter_queue -lnfnetlink 2>"$work/gcc.log"; then
  seed=1
  for h in coord c0 c1 c2; do
    on "$h" iptables -A INPUT -i eth0 -j NFQUEUE --queue-num 0 || fail "iptables NFQUEUE on $h"
    on "$h" "$work/nfq-delay" 0 50 1 "$seed" 2> "$work/nfq-$h.log" & pids+=($!)
    seed=$((seed + 1))
  done
  impairment="NFQUEUE (nfq-delay; this kernel has no netem)"
fi
if [ -n "$impairment" ]; then
  forget c0 mh-2 client-1 "$job2" --timeout 60 --wait --wait-timeout 300 > "$work/forget-2.log" 2>&1 \
    || fail "job 2 did not finish under 50 ms delay and 1 % loss ($impairment)"
  if [ "$impairment" = "tc netem" ]; then
    for h in coord c0 c1 c2; do on "$h" tc qdisc del dev eth0 root; done
  else
    for h in coord c0 c1 c2; do on "$h" iptables -D INPUT -i eth0 -j NFQUEUE --queue-num 0; done
    pkill -TERM -f -- "$work/nfq-delay" || true; sleep 0.3
    for h in coord c0 c1 c2; do say "   $h: $(tail -1 "$work/nfq-$h.log")"; done
  fi
  say "2. deletion job finished under 50 ms delay and 1 % loss on every host ($impairment)"
else
  say "2. skipped: no netem qdisc and no NFQUEUE tools (iptables, libnetfilter-queue-dev); delay and loss not tested"
  forget c0 mh-2 client-1 "$job2" --timeout 30 --wait --wait-timeout 120 > "$work/forget-2.log" 2>&1 \
    || fail "job 2 did not finish"
fi

# 3. Client-2's link cut for 8 s (past the 5 s heartbeat timeout) just as a job starts, then restored: the job
#    starts with client-2 among its participants, waits on it, drops it when it is declared dead, and finishes.
job3=$(ids_file job3 "$(first_ids 0 | cut -d' ' -f3-4)")
welcomed_before=$(grep -c welcomed "$work/client-2.log" || true)
ip link set "vc2$tag" down
forget c0 mh-3 client-0 "$job3" --timeout 30 > "$work/forget-3.log" 2>&1 || fail "job 3 was not acknowledged"
sleep 8
ip link set "vc2$tag" up
forget c0 mh-3 client-0 "$job3" --timeout 30 --wait --wait-timeout 180 > "$work/forget-3b.log" 2>&1 \
  || fail "job 3 did not finish after client-2's link was cut and restored"
deadline=$(( SECONDS + 30 ))
until [ "$(grep -c welcomed "$work/client-2.log" || true)" -gt "$welcomed_before" ]; do
  [ $SECONDS -lt $deadline ] || fail "client-2 did not join again after its link came back"; sleep 0.2
done
say "3. link cut 8 s mid-job and restored: the job finished and client-2 joined again by itself"

# 3b. The holder's own link cut for 8 s as its job starts (client-1 holds the ids; the operator is on c0): the job
#     waits on the holder (its phases' timeouts are 30 s and more), takes it back when it says Hello again, finishes.
job4=$(ids_file job4 "$(first_ids 1 | cut -d' ' -f3-4)")
ip link set "vc1$tag" down
forget c0 mh-4 client-1 "$job4" --timeout 30 > "$work/forget-4.log" 2>&1 || fail "job 4 was not acknowledged"
sleep 8
ip link set "vc1$tag" up
forget c0 mh-4 client-1 "$job4" --timeout 30 --wait --wait-timeout 180 > "$work/forget-4b.log" 2>&1 \
  || fail "job 4 did not finish after its holder's link was cut and restored"
say "3b. the holder's link cut 8 s as its job started and restored: the job resumed with it and finished"

# 4. A stranger's key gets nothing through.
if on stranger "$lethe" forget --config "$kits/operator/lethe.json" \
     --public-key-file "$work/stranger-kits/operator/curve.public" \
     --secret-key-file "$work/stranger-kits/operator/curve.secret" \
     --client client-0 --ids "$job1" --request-id mh-x --timeout 3 > "$work/forget-x.log" 2>&1; then
  fail "a key not on the allow-list had its deletion acknowledged"
fi
"$lethe" status --ledger "$kits/coordinator/state/ledger.sqlite" > "$work/status.log"
grep -q mh-x "$work/status.log" && fail "the stranger's request is in the ledger"
# A client from a kit of another project (another coordinator's public key) and a plaintext client, each for 4 s.
joined_before=$(grep -c "joined:" "$work/coordinator.log" || true)
on stranger timeout 4 "$lethe" client --config "$work/stranger-kits/client-0/lethe.json" > "$work/stranger-client.log" 2>&1 || true
on stranger timeout 4 "$lethe" client --connect "tcp://${address[coord]}:5555" --id client-0 --clients 3 --index 0 \
  --limit 150 --test-limit 100 > "$work/plaintext-client.log" 2>&1 || true
[ "$(grep -c "joined:" "$work/coordinator.log" || true)" = "$joined_before" ] || fail "a stranger's client was admitted"
for cause in "from ${address[stranger]}: key .* is not on the allow-list" "did not decrypt"; do
  [ "$(grep -c "refused a .*$cause" "$work/coordinator.log" || true)" = 1 ] \
    || fail "the coordinator did not log the refusal '$cause' exactly once"
done
# A plaintext peer shows as a mechanism mismatch, or as a handshake closed early when the peer read the coordinator's
# greeting first and hung up (a race of the two greetings); either way logged, and once.
grep -Eq "refused a connection .*(is not CURVE|the handshake failed)" "$work/coordinator.log" \
  || fail "the coordinator did not log the plaintext client's refused handshake"
[ -z "$(grep "refused a" "$work/coordinator.log" | sort | uniq -d)" ] || fail "a refusal was logged more than once"
say "4. a key not on the allow-list, another project's kit and a plaintext client got nothing through; each refusal logged once with its cause"

# 5. The ledger and the live state read from another host, over the coordinator's own CURVE socket.
on c0 "$lethe" status --config "$kits/operator/lethe.json" --json "$work/status-remote.json" > "$work/status-remote.log" 2>&1 \
  || { cat "$work/status-remote.log" >&2; fail "lethe status --config operator kit failed from host c0"; }
for request in mh-1 mh-2 mh-3 mh-4; do
  grep -Eq "^$request +client-[0-9] .* done " "$work/status-remote.log" \
    || { cat "$work/status-remote.log" >&2; fail "status from c0 does not show $request done"; }
done
grep -q "3 client(s) connected" "$work/status-remote.log" || fail "status from c0 does not list the 3 clients"
if on stranger "$lethe" status --config "$kits/operator/lethe.json" \
     --public-key-file "$work/stranger-kits/operator/curve.public" \
     --secret-key-file "$work/stranger-kits/operator/curve.secret" --timeout 3 > "$work/status-x.log" 2>&1; then
  fail "a key not on the allow-list read the coordinator's status"
fi
say "5. status read from host c0 over CURVE (a stranger's key refused); per job and phase:"
sed 's/^/multihost:   /' "$work/status-remote.log"
# Job 1 ran on the plain network, job 2 under delay and loss (when step 2 ran): the same phases and messages, so
# the same bytes per phase up to the varint lengths of ids and message numbers (64 bytes); only the seconds differ.
python3 - "$work/status-remote.json" <<'EOF' || fail "jobs 1 and 2 did not move the same bytes per phase"
import json, sys
jobs = {r["id"]: r["jobs"][-1] for r in json.load(open(sys.argv[1]))["requests"]}
for request in ("mh-1", "mh-2"):
    job = jobs[request]
    phases = ", ".join(f'{p["phase"]} {p["seconds"]:.2f}s' for p in job["phase_seconds"])
    sent = sum(v for k, v in job["phase_bytes"].items() if k.endswith(".sent"))
    received = sum(v for k, v in job["phase_bytes"].items() if k.endswith(".received"))
    print(f"multihost:   {request}: {job['total_seconds']:.2f} s ({phases}); coordinator sent {sent} B, received {received} B")
a, b = jobs["mh-1"]["phase_bytes"], jobs["mh-2"]["phase_bytes"]
differ = {k: (a.get(k, 0), b.get(k, 0)) for k in sorted(set(a) | set(b)) if abs(a.get(k, 0) - b.get(k, 0)) > 64}
if differ:
    print("multihost:   bytes per phase differ:", differ)
    sys.exit(1)
print(f"multihost:   bytes per phase of jobs 1 and 2 within 64 bytes ({len(a)} phase directions)")
EOF
say "passed"
