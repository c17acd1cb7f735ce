#!/usr/bin/env bash
# Runs one test against its own real secret service: a private D-Bus session with an
# unlocked gnome-keyring in temporary XDG directories (stack-facts.md, section 1), so
# keychain tests never touch the user's keyring and can run in parallel.
# Usage: with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -m700 -p "$tmp/run" "$tmp/data"
export XDG_RUNTIME_DIR="$tmp/run" XDG_DATA_HOME="$tmp/data"
exec dbus-run-session -- bash -c '
  echo -n tavern-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"
' with-keyring "$@"
