# Sourced by tests/serve.sh and tests/serve_during.sh: a copy of the golden
# content and the theme in a temporary directory (the working directory from
# here on; $here is the repository), a way to make requests, bounded waits,
# and starting and stopping servers on free ports.
set -u
. tests/lib.sh
B=${B:-build}
bin=$(cd "$B" && pwd)/sitegen
tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
cp -r tests/golden/content tests/golden/config.yml "$tmp/"
cp -r theme "$tmp/theme"
echo 'export const x = 1;' >"$tmp/theme/static/module.mjs"	# a module script: served as JavaScript
here=$(pwd)
cd "$tmp" || exit 1

if command -v curl >/dev/null 2>&1; then
	http=curl
elif command -v python3 >/dev/null 2>&1; then
	http=python3
else
	echo "skip - serve: neither curl nor python3 is installed to make requests"
	exit 0
fi
# A sanitized generator is several times slower: the waits allow for it.
if sanitized "$bin"; then limit=300; else limit=100; fi	# tenths of a second

pass() { echo "ok - serve: $1"; }
fail() {
	echo "not ok - serve: $1"
	shift
	for f in "$@"; do sed 's/^/#   /' "$f" | tail -15; done
}

# req METHOD URL [If-None-Match]: the body into body, the headers into head;
# prints "status|content-type". Sends the path as it is (no ../ folding).
req() {
	rm -f body head
	if [ $http = curl ]; then
		set -- "$1" "$2" "${3:-}"
		# (curl -I writes the headers where the body would go)
		if [ "$1" = HEAD ]; then m=-I o=/dev/null; else m="-X $1" o=body; fi
		curl -s --path-as-is $m ${3:+-H "If-None-Match: $3"} -D head -o $o -w '%{http_code}|%{content_type}' \
			--max-time 20 "$2"
	else
		python3 - "$@" <<'EOF'
import sys, http.client, urllib.parse
m, url = sys.argv[1], sys.argv[2]
u = urllib.parse.urlsplit(url)
c = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
h = {"If-None-Match": sys.argv[3]} if len(sys.argv) > 3 and sys.argv[3] else {}
c.request(m, u.path + ("?" + u.query if u.query else ""), headers=h)
r = c.getresponse()
open("body", "wb").write(r.read())
open("head", "w").write("".join("%s: %s\r\n" % kv for kv in r.getheaders()))
sys.stdout.write("%d|%s" % (r.status, r.getheader("Content-Type") or ""))
EOF
	fi
}
header() { tr -d '\r' <head | sed -n "s/^$1: //Ip" | head -1; }

# wait_for COMMAND…: until it succeeds, at most $limit tenths of a second.
wait_for() {
	waited=0	# (not i: a caller's loop may count with it)
	while ! "$@" >/dev/null 2>&1; do
		waited=$((waited + 1))
		[ $waited -gt "$limit" ] && return 1
		sleep 0.1
	done
}

# start NAME [env…]: a server on a free port building into out/, writing to
# NAME.log; sets $url and $server (its pid). Its stdin closed: the pipes to its
# build process then take the lowest numbers, 0 among them (serve_build.c).
start() {
	name=$1
	shift
	env "$@" "$bin" serve --port 0 --out out >"$name.log" 2>&1 <&- &
	pids="$pids $!"
	server=$!
	wait_for grep -q 'serving http' "$name.log" || { fail "$name: the server did not start" "$name.log"; exit 1; }
	url=$(sed -n 's/.*serving \(http[^ ]*\) .*/\1/p' "$name.log")
}


# log_more PATTERN COUNT [LOG]: LOG (inotify.log) has more lines matching PATTERN than COUNT
log_more() { [ "$(grep -c "$1" "${3:-inotify.log}")" -gt "$2" ]; }

# stop NAME PID: SIGTERM, as Ctrl-C would: the server and its build process end, status 0
stop() {	# NAME PID
	kill -TERM "$2"
	waited=0
	while kill -0 "$2" 2>/dev/null && [ $waited -lt "$limit" ]; do sleep 0.1; waited=$((waited + 1)); done
	if kill -0 "$2" 2>/dev/null; then
		fail "$1: still running after SIGTERM" "$1.log"
	else
		wait "$2"
		st=$?
		[ $st = 0 ] && grep -q 'serve: stopped' "$1.log" && ! grep -q 'the build process ended with' "$1.log" &&
			pass "$1: SIGTERM stops the server and its build process, exit status 0" ||
			fail "$1: exit status $st after SIGTERM" "$1.log"
	fi
}
