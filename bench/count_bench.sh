#!/bin/sh
# Drone-counting benchmark over the simulator suite (issue 5): builds
# count_bench and runs it. Extra arguments go to count_bench, e.g.
#   bench/count_bench.sh --frames 150 --frames-4k 40
#   bench/count_bench.sh --scenarios easy_round_tank,sun_glare
# and over footage made by other means than the simulator:
#   build/bench/heldout_footage /tmp/heldout && bench/count_bench.sh --clips /tmp/heldout
set -e
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target count_bench heldout_footage
exec "$BUILD/bench/count_bench" "$@"
