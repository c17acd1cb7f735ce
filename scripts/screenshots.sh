#!/usr/bin/env bash
# Renders every main screen and dialog of the desktop app to PNG, headless, against a real
# tavern-server with content made by tavern-cli: alice (the app's user), bob, carol, dave,
# erin and gina; rooms with messages and roles, an open invitation, and erin's key changed (the
# server was told to forget erin, who signed up again with new keys) for the warnings.
# Usage: scripts/screenshots.sh [--build DIR] [--docs] [OUTDIR]
#   --build DIR  the build directory with tavern, tavern-server and tavern-cli (default:
#                $TAVERN_BUILD, else build); relative to the current directory or the checkout
#   --docs       the README's set (main screens, 1200x760, light and dark) into docs/screenshots
#                (or OUTDIR); without it every screen and dialog at 1280x800 into OUTDIR
# Runs itself inside tests/support/with-keyring.sh (a private D-Bus and unlocked keyring).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: scripts/screenshots.sh [--build DIR] [--docs] [OUTDIR]"
build=${TAVERN_BUILD:-build}
docs=${TAVERN_SCREENSHOTS_DOCS:-}
out=
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=${2:?$usage}; shift 2 ;;
    --build=*) build=${1#--build=}; shift ;;
    --docs) docs=1; shift ;;
    -h|--help) echo "$usage"; exit 0 ;;
    -*) echo "$usage" >&2; exit 1 ;;
    *) out=$1; shift ;;
  esac
done
[ -n "$out" ] || { [ -n "$docs" ] && out=$root/docs/screenshots; }
[ -n "$out" ] || { echo "$usage" >&2; exit 1; }
case $build in /*) ;; *) if [ -d "$PWD/$build" ]; then build=$PWD/$build; else build=$root/$build; fi ;; esac
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -z "${TAVERN_SCREENSHOTS_IN_KEYRING:-}" ]; then
  export TAVERN_SCREENSHOTS_IN_KEYRING=1 TAVERN_BUILD=$build TAVERN_SCREENSHOTS_DOCS=$docs
  exec "$root/tests/support/with-keyring.sh" "$0" "$out"
fi
server_bin=$build/src/server/tavern-server
cli_bin=$build/src/cli/tavern-cli
app_bin=$build/src/app/tavern
for b in "$server_bin" "$cli_bin" "$app_bin"; do
  [ -x "$b" ] || { echo "missing $b: build the tavern, tavern-server and tavern-cli targets first"; exit 1; }
done
export QT_QPA_PLATFORM=offscreen LANG=${SCREENSHOT_LANG:-en_GB.UTF-8} LC_ALL=
# The server on a free port with a fresh SQLite in $work (removed on exit), as the e2e tests do.
source "$root/tests/e2e/startserver.sh"
echo "server at $url"

cli() { local who=$1; shift; "$cli_bin" --profile "$work/$who" "$@" >/dev/null; }

echo "making content with tavern-cli"
for u in alice bob carol dave erin gina; do cli $u signup $u --server "$url"; done
cli alice create-room Ops --topic "On call this week" --history shared
cli alice send Ops "Morning! Who has the pager today?"
cli alice invite Ops bob --history shared
cli alice invite Ops carol --role moderator --history shared
cli bob accept Ops
cli carol accept Ops
cli bob send Ops "Me until 18:00, then carol takes over."
cli carol send Ops "Yes, I have it from 18:00. The disk alert on db-2 is back, by the way."
cli bob send Ops "I'll look at db-2 after stand-up."
cli bob send Ops "Found it: the log rotation stopped on Friday. Fixed and rotated by hand."
cli alice send Ops "Thanks both. Let's write that up for Monday's review."
cli alice invite Ops dave --role guest --history since-join
cli alice create-room "Design review" --topic "Thursdays 15:00"
cli alice send "Design review" "Agenda for Thursday is in the doc."
cli alice create-room Launch --topic "Release 2.0"
cli alice invite Launch erin --history shared
cli erin accept Launch
cli erin send Launch "Release notes are ready for a read."
cli alice send Launch "Reading them now."
cli dave create-room "Book club" --topic "This month: Piranesi"
cli dave invite "Book club" alice --history shared
cli alice contacts verify bob
# erin's key changes: the server forgets her and she signs up again with new keys.
sqlite3 "$work/server.sqlite" "BEGIN IMMEDIATE;
  DELETE FROM kegs WHERE db_id IN (SELECT db_id FROM dbs WHERE owner = 'erin' AND peer IS NULL);
  DELETE FROM dbs WHERE owner = 'erin' AND peer IS NULL;
  DELETE FROM users WHERE username = 'erin'; COMMIT;"
cli erin-new signup erin --server "$url"
# alice's device looks erin up and records the change (and its notice).
"$cli_bin" --profile "$work/alice" contacts show erin >/dev/null 2>&1 || true

shoot() { # shoot NAME SCREEN [ARG] [extra app options...]
  local name=$1 screen=$2 arg=${3:-}; shift 3 || shift $#
  local profile=${PROFILE:-$work/alice}
  if TAVERN_THEME=${THEME:-} "$app_bin" --profile "$profile" --server "$url" --screenshot "$out/$name.png" \
        --show "$screen" --show-arg "$arg" --size "${SIZE:-$size}" "$@" >"$work/$name.log" 2>&1; then
    echo "  $out/$name.png"
    grep -E "qrc:|QML|Component" "$work/$name.log" | head -5 || true
  else
    echo "  $out/$name.png (with warnings, see below)"; tail -5 "$work/$name.log"
  fi
}

echo "rendering into $out"
if [ -n "$docs" ]; then
  # The README's set: the main screens, numbered in the order the README shows them.
  size=1200x760
  PROFILE=$work/new2 shoot 01-signup-secret signup-secret frank --delay 800
  shoot 02-chat chat Ops
  shoot 03-members members Ops
  shoot 04-invite invite Ops/gina
  shoot 05-invitation invitation ""
  shoot 06-verification verification Ops/bob
  shoot 07-keychange keychange Launch
  shoot 08-notice notice Launch
  SIZE=820x700 shoot 09-narrow members Ops
  THEME=dark shoot 10-dark members Ops
  echo "done: $(ls "$out"/*.png | wc -l) screenshots in $out"
  exit 0
fi
size=1280x800
PROFILE=$work/new shoot signup signup ""
PROFILE=$work/new2 shoot signup-secret signup-secret frank --delay 800
shoot chat chat Ops
shoot members members Ops
shoot invite invite Ops/gina
shoot invite-keychanged invite Launch/erin
shoot invitation invitation ""
shoot verification verification Ops/bob
shoot keychange keychange Launch
shoot keychange-dialog keychange-dialog Launch/erin
shoot notice notice Launch
shoot create-room create-room ""
shoot room-settings room-settings Ops
shoot account account Ops
SIZE=820x700 shoot narrow members Ops
THEME=dark shoot dark-chat members Ops
THEME=dark shoot dark-keychange keychange Launch
THEME=dark shoot dark-verification verification Ops/bob
THEME=dark PROFILE=$work/new3 shoot dark-signup-secret signup-secret hana --delay 800
echo "done: $(ls "$out"/*.png | wc -l) screenshots in $out"
