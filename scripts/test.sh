#!/usr/bin/env bash
# The one test command (README): installs what is missing, configures, builds and runs
# every test headless, against a real secret service on a private D-Bus session.
# Usage: scripts/test.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

preset=dev
[ "${CI:-}" = "true" ] && preset=ci
cmake --preset "$preset" >/dev/null
cmake --build build -j2

# A private keyring per run: never the user's own login keyring (stack-facts.md, 1).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -m700 -p "$tmp/run" "$tmp/data"
export XDG_RUNTIME_DIR="$tmp/run" XDG_DATA_HOME="$tmp/data" QT_QPA_PLATFORM=offscreen
dbus-run-session -- bash -c '
  echo -n tavern-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  ctest --test-dir build --output-on-failure -j2 "$@"
' tavern-tests "$@"
