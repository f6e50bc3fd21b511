#!/usr/bin/env bash
# HTTP API benchmark (issue 3). Builds nothing: give it a build directory
# holding `sturgeon` and `bench/hello_server`.
#   bench/api_bench.sh BUILD_DIR [DB] [SECONDS]
# Starts the Beast hello-world baseline and `sturgeon serve` on a demo
# database (created with --scale 0.2 if absent), runs wrk (2 threads, 50
# keep-alive connections) against each, and prints requests/s, p50/p99
# latency and the ratios: /healthz vs hello (>= 0.5), pool inventory vs
# /healthz (>= 0.5), and whether p99 < 50 ms. The inventory is measured
# with the default 1 s response cache and again with it off.
set -euo pipefail
build=${1:?usage: api_bench.sh BUILD_DIR [DB] [SECONDS]}
db=${2:-$build/api_bench.db}
secs=${3:-10}
bin="$build/sturgeon"
hello="$build/bench/hello_server"
threads=${API_BENCH_IO_THREADS:-4}
for f in "$bin" "$hello"; do [ -x "$f" ] || { echo "missing $f (build it first)" >&2; exit 1; }; done
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }

if [ ! -s "$db" ]; then
  echo "Creating demo database $db (scale 0.2) ..."
  "$bin" demo --db "$db" --scale 0.2 >/dev/null
fi
"$bin" user add bench --role admin --db "$db" >/dev/null 2>&1 || true
token=$("$bin" token create bench --db "$db")
pool=$("$bin" pool list --db "$db" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["code"])')

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

hello_port=18081
api_port=18082
nocache_port=18083
"$hello" "$hello_port" "$threads" & pids+=($!)
log=$(mktemp)
"$bin" serve --db "$db" --listen "127.0.0.1:$api_port" --threads "$threads" >"$log" 2>&1 & pids+=($!)
"$bin" serve --db "$db" --listen "127.0.0.1:$nocache_port" --threads "$threads" --inventory-cache-ms 0 \
  >>"$log" 2>&1 & pids+=($!)
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$api_port/healthz" >/dev/null && curl -sf "http://127.0.0.1:$hello_port/" >/dev/null && break
  sleep 0.1
done

# Runs wrk; prints "RPS P50_MS P99_MS".
measure() {
  local url=$1; shift
  local out
  out=$(wrk -t2 -c50 -d"${secs}s" --latency "$@" "$url")
  python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
def ms(label):
    m = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)\s*$" % label, out, re.M)
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
print(f"{rps:.0f} {ms('50%'):.3f} {ms('99%'):.3f} {errors.group(1) if errors else 0}")
PY
}

read -r hello_rps hello_p50 hello_p99 hello_err < <(measure "http://127.0.0.1:$hello_port/")
read -r health_rps health_p50 health_p99 health_err < <(measure "http://127.0.0.1:$api_port/healthz")
inv_path="/api/pools/$pool/inventory?date=2026-06-01"
read -r inv_rps inv_p50 inv_p99 inv_err < <(measure "http://127.0.0.1:$api_port$inv_path" -H "Authorization: Bearer $token")
read -r raw_rps raw_p50 raw_p99 raw_err < <(measure "http://127.0.0.1:$nocache_port$inv_path" \
  -H "Authorization: Bearer $token")

printf '%-28s %10s %9s %9s %7s\n' "target" "req/s" "p50_ms" "p99_ms" "non2xx"
printf '%-28s %10s %9s %9s %7s\n' "hello (Beast baseline)" "$hello_rps" "$hello_p50" "$hello_p99" "$hello_err"
printf '%-28s %10s %9s %9s %7s\n' "GET /healthz" "$health_rps" "$health_p50" "$health_p99" "$health_err"
printf '%-28s %10s %9s %9s %7s\n' "GET pool inventory" "$inv_rps" "$inv_p50" "$inv_p99" "$inv_err"
printf '%-28s %10s %9s %9s %7s\n' "  same, cache off" "$raw_rps" "$raw_p50" "$raw_p99" "$raw_err"
python3 - "$hello_rps" "$health_rps" "$inv_rps" "$health_p99" "$inv_p99" "$raw_rps" <<'PY'
import sys
hello, health, inv, hp99, ip99, raw = map(float, sys.argv[1:])
print(f"ratio healthz/hello     = {health / hello:.2f} (target >= 0.50)")
print(f"ratio inventory/healthz = {inv / health:.2f} (target >= 0.50; cache off: {raw / health:.2f})")
print(f"p99 under 50 ms         = {'yes' if max(hp99, ip99) < 50 else 'NO'} (healthz {hp99:.2f} ms, inventory {ip99:.2f} ms)")
PY
rm -f "$log"
