#!/usr/bin/env bash
# The one test command (README): installs what is missing, configures, builds and runs
# every test headless (keychain tests against a real secret service of their own).
# Usage: scripts/test.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

preset=dev
[ "${CI:-}" = "true" ] && preset=ci
cmake --preset "$preset" >/dev/null
cmake --build build -j2

# Keychain tests start their own D-Bus session and unlocked gnome-keyring
# (tests/support/with-keyring.sh); everything runs headless.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -m700 -p "$tmp/run"
export XDG_RUNTIME_DIR="$tmp/run" QT_QPA_PLATFORM=offscreen
ctest --test-dir build --output-on-failure -j2 "$@"
