#!/usr/bin/env bash
# Several hosts on one machine: a network namespace each for the store (redis-server), two workers
# and the driver, joined by a bridge that lives in a namespace of its own. Addresses exist only
# inside these namespaces; nothing is added to the caller's network. Everything is removed by the
# EXIT trap, whatever happens. During a compute, worker 1 is cut off (its link down, then up) and
# worker 2 is killed; the compute must still succeed.
#
# Usage: several-hosts.sh   (root; prints the driver's output, exits with its status)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pkg="$(cd "$here/../.." && pwd)"
id="$$"
bridge="chb$id" store="chs$id" w1="chw1$id" w2="chw2$id" driver="chd$id"
password="netns-test-$id"
url="redis://:$password@10.231.0.1:6379"
work="$(mktemp -d)"

cleanup() {
  local status=$?
  if [ "$status" != 0 ]; then
    for f in "$work"/*.log; do echo "--- $f"; tail -20 "$f" || true; done
  fi
  trap - EXIT INT TERM
  # Every process inside the namespaces, whoever started it, then the namespaces.
  for ns in "$driver" "$w2" "$w1" "$store" "$bridge"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  wait 2>/dev/null || true
  for ns in "$driver" "$w2" "$w1" "$store" "$bridge"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT INT TERM
echo "namespaces: ch*$id"

ip netns add "$bridge"
ip -n "$bridge" link add br0 type bridge
ip -n "$bridge" link set br0 up
n=1
for ns in "$store" "$w1" "$w2" "$driver"; do
  ip netns add "$ns"
  ip link add e0 netns "$ns" type veth peer name "p$n" netns "$bridge"
  ip -n "$bridge" link set "p$n" master br0 up
  ip -n "$ns" addr add "10.231.0.$n/24" dev e0
  ip -n "$ns" link set e0 up
  ip -n "$ns" link set lo up
  n=$((n + 1))
done

ip netns exec "$store" "${REDIS_SERVER:-/usr/bin/redis-server}" --bind 10.231.0.1 --port 6379 --requirepass "$password" \
  --save '' --appendonly no --maxmemory 512mb --maxmemory-policy noeviction --loglevel warning &
cd "$pkg"
worker=(node --conditions=source --import tsx src/cli.ts --redis "$url" --threads 1 --module ./test/fixtures/kernels.ts)
ip netns exec "$w1" "${worker[@]}" 2>"$work/w1.log" &
ip netns exec "$w2" "${worker[@]}" 2>"$work/w2.log" &
pid_w2=$!
ip netns exec "$driver" node --conditions=source --import tsx test/netns/driver.ts "$url" >"$work/driver.out" 2>&1 &
pid_driver=$!

wait_for() { # file, text, seconds
  for _ in $(seq 1 $(( $3 * 10 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1"; cat "$1" || true; return 1
}
wait_for "$work/driver.out" "COMPUTE STARTED" 240
sleep 1
echo "partition: worker 1 cut off"
ip -n "$w1" link set e0 down
sleep 4
ip -n "$w1" link set e0 up
echo "partition healed; killing worker 2"
sleep 1
kill -KILL "$pid_w2"
status=0
wait "$pid_driver" || status=$?
cat "$work/driver.out"
echo "--- worker 1"; tail -5 "$work/w1.log" || true
echo "--- worker 2"; tail -5 "$work/w2.log" || true
exit "$status"
