#!/usr/bin/env bash
# End to end on a machine with no keychain at all (no D-Bus session, no display): tavern-cli
# must refuse and name what to install, never fall back to a plaintext file; with the
# explicit --key-file opt-in it keeps the local key in a passphrase-protected file (0600),
# refuses a wrong passphrase and an altered file, and never prompts without a terminal.
# Usage: cli_keyfile.sh TAVERN_SERVER TAVERN_CLI
set -euo pipefail
server_bin=$1 cli_bin=$2
source "$(dirname "$0")/startserver.sh"
mkdir -m700 "$work/run" "$work/home"
fails=0
# No session bus, no display, a runtime dir with no bus socket in it, a fresh HOME: what a
# headless server or a minimal container looks like. setsid: no terminal to prompt on.
cli() {
  local who=$1; shift
  env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY XDG_RUNTIME_DIR="$work/run" \
      HOME="$work/home" XDG_DATA_HOME="$work/home/data" XDG_CONFIG_HOME="$work/home/config" \
      setsid -w "$cli_bin" --profile "$work/$who" "$@" </dev/null
}
expect() { # expect DESCRIPTION PATTERN OUTPUT
  if grep -q -- "$2" <<<"$3"; then echo "ok: $1"; else echo "FAIL: $1 (wanted '$2')"; echo "$3"; fails=$((fails+1)); fi
}
expect_rc() { # expect_rc DESCRIPTION WANTED ACTUAL
  if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1 (exit $3, wanted $2)"; fails=$((fails+1)); fi
}

# 1. No keychain, no opt-in: a clear error naming what to install and the opt-in; nothing
#    written (no cache, no key file) and no account half-made on the server.
rc=0; out=$(cli dave signup dave --server "$url" 2>&1) || rc=$?
expect_rc "no keychain: signup fails" 2 "$rc"
expect "the error names gnome-keyring" "gnome-keyring" "$out"
expect "the error names KWallet" "KWallet" "$out"
expect "the error names the opt-in" "--key-file" "$out"
if [ -n "$(find "$work/dave" -type f 2>/dev/null)" ] || [ -n "$(find "$work/home" -type f)" ]; then
  echo "FAIL: files were written without a keychain"; find "$work/dave" "$work/home" -type f; fails=$((fails+1))
else echo "ok: nothing written without a keychain"; fi

# 2. The opt-in: a passphrase file (first line), a key file of mode 0600.
printf 'correct horse battery staple\n' >"$work/pass"; chmod 600 "$work/pass"
printf 'correct horse battery stapler\n' >"$work/wrong"
printf 'short\n' >"$work/short"
rc=0; out=$(cli weak --key-file --passphrase-file "$work/short" signup weak --server "$url" 2>&1) || rc=$?
expect_rc "a short passphrase is refused" 2 "$rc"
expect "and says why" "too short" "$out"
out=$(cli dave --key-file --passphrase-file "$work/pass" signup dave --server "$url" 2>&1)
expect "signup with --key-file" "Your account secret" "$out"
mode=$(stat -c %a "$work/dave/local-key")
expect_rc "the key file is 0600" 600 "$mode"
out=$(cli dave --passphrase-file "$work/pass" create-room Den 2>&1); expect "room created" "Created room Den" "$out"
cli dave --passphrase-file "$work/pass" send Den "kept under a passphrase" >/dev/null
out=$(cli dave --passphrase-file "$work/pass" read Den 2>&1); expect "reads back with the passphrase" "dave: kept under a passphrase" "$out"

# 3. Wrong passphrase, no passphrase and no terminal, an altered file: refused, clearly.
rc=0; out=$(cli dave --passphrase-file "$work/wrong" read Den 2>&1) || rc=$?
expect_rc "a wrong passphrase is refused" 2 "$rc"
expect "and says so" "passphrase does not open" "$out"
rc=0; out=$(cli dave read Den 2>&1) || rc=$?
expect_rc "no passphrase and no terminal: refused" 2 "$rc"
expect "and says how to give one" "passphrase-file" "$out"
cp "$work/dave/local-key" "$work/key.bak"
printf '\x5a' | dd of="$work/dave/local-key" bs=1 seek=120 conv=notrunc status=none
rc=0; out=$(cli dave --passphrase-file "$work/pass" read Den 2>&1) || rc=$?
expect_rc "an altered key file is refused" 2 "$rc"
expect "and says it was altered" "damaged or was altered" "$out"
cp "$work/key.bak" "$work/dave/local-key"
out=$(cli dave --passphrase-file "$work/pass" read Den 2>&1); expect "the restored file opens again" "kept under a passphrase" "$out"

# 4. The key file is the only copy: the cache is sealed under it (no plaintext message body).
if grep -qa "kept under a passphrase" "$work/dave/cache.sqlite"* ; then echo "FAIL: plaintext in the cache"; fails=$((fails+1)); else echo "ok: the cache holds no plaintext"; fi

# 5. logout removes the key file.
cli dave --passphrase-file "$work/pass" logout >/dev/null
[ ! -e "$work/dave/local-key" ] && echo "ok: logout removes the key file" || { echo "FAIL: key file left after logout"; fails=$((fails+1)); }

echo "$(( 20 - fails )) passed, $fails failed"
[ "$fails" -eq 0 ]
