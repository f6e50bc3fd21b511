#!/usr/bin/env bash
# `make run`: creates the demo database on first use, makes an
# admin user with a fresh token, prints the address and the token, then
# runs the HTTP API server in the foreground (Ctrl-C stops it gracefully).
#   scripts/run.sh [BUILD_DIR] [DB] [LISTEN]
set -euo pipefail
build_dir=${1:-build}
db=${2:-demo.db}
listen=${3:-${STURGEON_LISTEN:-127.0.0.1:8080}}
bin="$build_dir/sturgeon"
if [ ! -s "$db" ]; then
  echo "Creating the demo company in $db ..."
  "$bin" demo --db "$db"
fi
"$bin" user add admin --role admin --db "$db" >/dev/null
token=$("$bin" token create admin --label "make run" --db "$db")
cat <<MSG
Sturgeon dashboard and API on http://$listen/  (database $db)
Admin token (shown once): $token
Open http://$listen/ in a browser and sign in with the token, or try:
  curl -s -H "Authorization: Bearer $token" http://$listen/api/farms
  curl -s http://$listen/healthz
MSG
exec "$bin" serve --db "$db" --listen "$listen"
