# Sourced by the e2e scripts and scripts/screenshots.sh (after `server_bin=...`): a real
# tavern-server on a free loopback port with a fresh SQLite in a temporary $work. Sets work,
# server_pid and url; on exit stops the server and removes $work.
work=$(mktemp -d)
server_pid=
trap '[ -n "$server_pid" ] && kill $server_pid 2>/dev/null; rm -rf "$work"' EXIT
# The log exists before the server starts: the background job opens it on its own time, and
# under load the first read below came before that (a flaky "can't read server.log").
: >"$work/server.log"
"$server_bin" --listen 127.0.0.1:0 --storage "sqlite:$work/server.sqlite" >>"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening host=127.0.0.1 port=\([0-9]*\).*/\1/p' "$work/server.log")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not start"; cat "$work/server.log"; exit 1; }
url="ws://127.0.0.1:$port"
