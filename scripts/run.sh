#!/usr/bin/env bash
# `make run`: creates the demo database on first use, then starts the main job.
set -euo pipefail
build_dir=${1:-build}
db=${2:-demo.db}
bin="$build_dir/sturgeon"
if [ ! -s "$db" ]; then
  echo "Creating the demo company in $db ..."
  "$bin" demo --db "$db"
fi
"$bin" inventory --db "$db"
