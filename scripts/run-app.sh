#!/usr/bin/env bash
# One command on a fresh Debian/Ubuntu desktop: installs the packages, builds the app and the
# server, starts a local tavern-server (SQLite in ~/.local/share/tavern-dev) unless one is
# already running there, and opens the app pointed at it.
# Usage: scripts/run-app.sh [--check] [PROFILE]   (PROFILE: a name, default "me"; run again
#        with another name, e.g. "bob", for a second account to chat with. --check: exit as
#        soon as the app has drawn its first page and say which, e.g. headless with
#        QT_QPA_PLATFORM=offscreen; exit code 0 when it reached sign-up, log-in or the chat)
# Environment: TAVERN_BUILD (build dir, default build), TAVERN_DEV_DIR, TAVERN_DEV_PORT (7447),
#              TAVERN_THEME=dark|light (override the system's palette).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
check=()
if [ "${1:-}" = "--check" ]; then check=(--check); shift; fi
profile=${1:-me}
build=${TAVERN_BUILD:-$root/build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
dev=${TAVERN_DEV_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/tavern-dev}
port=${TAVERN_DEV_PORT:-7447}

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "No display: run this on a desktop session (or see scripts/screenshots.sh for headless)." >&2
  exit 1
fi

"$root/scripts/install-deps.sh"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}"
cmake --build "$build" --target tavern tavern-server tavern-cli

mkdir -p "$dev/profiles"
url="ws://127.0.0.1:$port"
server_pid=
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "Using the server already listening on $url"
else
  "$build/src/server/tavern-server" --listen "127.0.0.1:$port" --storage "sqlite:$dev/server.sqlite" \
      >>"$dev/server.log" 2>&1 &
  server_pid=$!
  trap 'kill $server_pid 2>/dev/null || true' EXIT
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 $server_pid 2>/dev/null || { echo "tavern-server did not start; see $dev/server.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "tavern-server on $url (data and log in $dev; it stops when this app closes)"
fi

echo "Opening Tavern with profile $dev/profiles/$profile"
# In the background so that stopping this script (Ctrl+C, kill) stops the app and the server too.
"$build/src/app/tavern" --profile "$dev/profiles/$profile" --server "$url" "${check[@]}" &
app_pid=$!
trap 'kill $app_pid 2>/dev/null || true; exit 130' INT TERM
wait $app_pid
