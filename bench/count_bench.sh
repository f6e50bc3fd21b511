#!/bin/sh
# Drone-counting benchmark over the simulator suite (issue 5): builds
# count_bench and runs it. Extra arguments go to count_bench, e.g.
#   bench/count_bench.sh --frames 150 --frames-4k 40
#   bench/count_bench.sh --scenarios easy_round_tank,sun_glare
set -e
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target count_bench
exec "$BUILD/bench/count_bench" "$@"
