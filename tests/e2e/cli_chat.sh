#!/usr/bin/env bash
# End to end with tavern-cli as a user would run it: a real tavern-server on a free port,
# two profiles that sign up, create a room, invite, accept, chat, verify each other, and a
# third who is removed and can read nothing afterwards; then a since-join room where an
# invite without --history follows the room's policy.
# Usage: cli_chat.sh TAVERN_SERVER TAVERN_CLI   (run by ctest inside with-keyring.sh)
set -euo pipefail
server_bin=$1 cli_bin=$2
source "$(dirname "$0")/startserver.sh"
fails=0
cli() { local who=$1; shift; local t0=$(date +%s%N); "$cli_bin" --profile "$work/$who" "$@"; local rc=$?; echo "   ($who $1: $(( ($(date +%s%N)-t0)/1000000 )) ms)" >&2; return $rc; }
expect() { # expect DESCRIPTION PATTERN OUTPUT
  if grep -q -- "$2" <<<"$3"; then echo "ok: $1"; else echo "FAIL: $1 (wanted '$2')"; echo "$3"; fails=$((fails+1)); fi
}

out=$(cli alice signup alice --server "$url"); expect "signup shows the secret once" "Your account secret" "$out"
secret=$(grep -E '^    [0-9A-Z]{4}-' <<<"$out" | tr -d ' ')
cli bob signup bob --server "$url" >/dev/null
cli carol signup carol --server "$url" >/dev/null
out=$(cli alice create-room Ops --topic "on call"); expect "room created" "Created room Ops" "$out"
cli alice send Ops "hello before anyone" >/dev/null
out=$(cli alice invite Ops bob --history shared); expect "invite bob" "Invited bob" "$out"
out=$(cli alice invite Ops carol --history since-join); expect "invite carol" "Invited carol" "$out"
out=$(cli bob invitations); expect "bob sees who invited him" "INVITED by alice" "$out"
expect "bob is told he sees history" "earlier messages" "$out"
out=$(cli bob read Ops 2>&1 || true); expect "nothing of the room before accepting" "No single room\|No messages" "$out"
cli bob accept Ops >/dev/null
cli carol accept Ops >/dev/null
out=$(cli bob read Ops); expect "bob reads history (shared)" "hello before anyone" "$out"
out=$(cli carol read Ops); if grep -q "hello before anyone" <<<"$out"; then echo "FAIL: carol (since-join) saw history"; fails=$((fails+1)); else echo "ok: carol sees no history"; fi
cli bob send Ops "hi alice" >/dev/null
out=$(cli alice read Ops); expect "alice reads bob" "bob: hi alice" "$out"
out=$(cli bob --json members Ops); expect "members in json" '"role":"admin"' "$out"
a_num=$(cli alice --json contacts show bob | sed 's/.*"safetyNumber":"\([0-9 ]*\)".*/\1/')
b_num=$(cli bob --json contacts show alice | sed 's/.*"safetyNumber":"\([0-9 ]*\)".*/\1/')
[ "$a_num" = "$b_num" ] && echo "ok: both sides see one safety number" || { echo "FAIL: safety numbers differ"; fails=$((fails+1)); }
out=$(cli alice contacts verify bob); expect "verify" "verified" "$out"
out=$(cli alice remove Ops carol); expect "remove carol" "new key" "$out"
cli alice send Ops "after carol left" >/dev/null
out=$(cli carol read Ops 2>&1 || true)
if grep -q "after carol left" <<<"$out"; then echo "FAIL: removed member read a new message"; fails=$((fails+1)); else echo "ok: removed member reads nothing new"; fi
# Edits, deletions, receipts: the author edits and deletes their own; bob can't delete
# alice's (a member has no RedactOthers); bob's signed receipt shows on alice's side.
cli alice send Ops "helo all" >/dev/null
out=$(cli alice edit Ops last "hello all"); expect "edit own message" "Edited" "$out"
out=$(cli bob read Ops --mark-read); expect "bob sees the edit" "alice: hello all  (edited)" "$out"
out=$(cli alice read Ops); expect "alice sees bob read it" "hello all  (edited)  (read by bob)" "$out"
id=$(cli bob read Ops | sed -n 's/.*#\([0-9a-f]*\) alice: hello all.*/\1/p')
rc=0; out=$(cli bob delete Ops "$id" 2>&1) || rc=$?
[ "$rc" = 2 ] && echo "ok: bob may not delete alice's message" || { echo "FAIL: bob deleted alice's message (exit $rc)"; fails=$((fails+1)); }
expect "and is told why" "moderators and admins" "$out"
out=$(cli alice delete Ops last); expect "delete own message" "Deleted" "$out"
out=$(cli bob read Ops); expect "bob sees it deleted" "alice: (deleted)" "$out"
if grep -q "hello all" <<<"$out"; then echo "FAIL: deleted text still shown"; fails=$((fails+1)); else echo "ok: deleted text gone"; fi
# A since-join room: invite without --history takes the room's policy (a shared-history
# invite would be refused there), and the invitee sees nothing from before.
out=$(cli alice create-room Quiet --history since-join); expect "since-join room created" "Created room Quiet" "$out"
cli alice send Quiet "quiet before bob" >/dev/null
out=$(cli alice invite Quiet bob 2>&1 || true); expect "invite into a since-join room without --history" "Invited bob" "$out"
out=$(cli bob invitations); expect "bob is told he sees only new messages" "messages from now on" "$out"
cli bob accept Quiet >/dev/null 2>&1 || true
cli alice send Quiet "quiet after bob" >/dev/null
out=$(cli bob read Quiet 2>&1 || true); expect "bob reads what came after he joined" "alice: quiet after bob" "$out"
if grep -q "quiet before bob" <<<"$out"; then echo "FAIL: bob (since-join by default) saw older history"; fails=$((fails+1)); else echo "ok: bob sees no older history"; fi
out=$(cli alice --json rooms); expect "json rooms" '"name":"Ops"' "$out"
# A second device of alice (login with the account secret) sees the room and history.
out=$(echo "$secret" | cli alice2 login alice --server "$url" 2>&1); expect "login on a second device" "Logged in" "$out"
out=$(cli alice2 read Ops); expect "second device syncs history" "bob: hi alice" "$out"
out=$(cli alice notices); expect "no security notices in an honest run" "No security notices" "$out"

echo "$(( 33 - fails )) passed, $fails failed"
[ "$fails" -eq 0 ]
