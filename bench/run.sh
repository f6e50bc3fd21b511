#!/usr/bin/env bash
# `make bench`: runs every benchmark against its in-run baseline and prints
# the figures recorded in docs/benchmarks.md. Takes the build directory.
#   bench/run.sh [BUILD_DIR]
# The inventory fixture (36.5 M rows, ~3.3 GB) is built once under
# ${BENCH_DIR:-/tmp/sturgeon-bench} and reused.
set -euo pipefail
build=${1:-build}
dir=${BENCH_DIR:-/tmp/sturgeon-bench}
mkdir -p "$dir"
echo "### registry: CSV import and pool inventory"
"$build/bench/registry_bench" --dir "$dir"
echo "### simulator: 300 frames of 1920x1080"
"$build/bench/sim_bench" 300 easy_round_tank
echo "### HTTP API"
bash bench/api_bench.sh "$build" "$dir/api_bench.db" 10
echo "### drone counting over the simulator suite"
"$build/bench/count_bench" --frames 90 --noisy-detections --threshold-scales 0.95,1.05
echo "### drone counting over held-out footage made by other means"
rm -rf "$dir/heldout"
"$build/bench/heldout_footage" "$dir/heldout" --seed 1
"$build/bench/count_bench" --clips "$dir/heldout" --noisy-detections --threshold-scales 0.95,1.05
