#!/usr/bin/env bash
# Installs the Debian 12 packages Sturgeon needs to build, test and run.
# Idempotent: installs only what is missing. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libsqlite3-dev sqlite3
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libboost-dev libsodium-dev
  libqrencode-dev libvalijson-dev
  libopencv-dev
  ffmpeg
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk curl procps
  chromium
)
# The dashboard test runs on Node.js (npm installs playwright-core, which
# drives the chromium above and downloads no browser). A Node.js that is
# already installed (e.g. from NodeSource, whose package includes npm and
# conflicts with Debian's npm) is kept.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${#missing[@]} missing packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
