# The kept build process of `sitegen serve`, driven as serve drives it (a
# byte on stdin a build, its status on fd 3), for tests/serve_watch.sh and
# tests/serve_cache.sh. Sourced from the project's folder with $what (the
# checks' name) set: makes $tmp, the test's folder (a copy of the golden
# content, config and theme; removed at the end, after cleanup_more when the
# test defines it) and goes there; defines pass/fail, start_worker,
# end_worker and build (the process's messages in $tmp/worker.log), edit
# (a body edit of one report) and same (the output against a plain build's).
set -u
. tests/lib.sh
B=${B:-build}
bin=$(cd "$B" && pwd)/sitegen
tmp=$(mktemp -d)
worker=
cleanup() {
	[ -n "$worker" ] && kill "$worker" 2>/dev/null
	command -v cleanup_more >/dev/null && cleanup_more
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
cp -r tests/golden/content tests/golden/config.yml "$tmp/"
cp -r theme "$tmp/theme"
here=$(pwd)
cd "$tmp" || exit 1
if sanitized "$bin"; then limit=600; else limit=200; fi	# tenths of a second

pass() { echo "ok - $what: $1"; }
fail() {
	echo "not ok - $what: $1"
	shift
	for log in "$@"; do sed 's/^/#   /' "$log" | tail -15 | cut -c1-300; done
}

mkfifo to_worker
# start_worker OUT [VAR=VALUE…]: a build process building into OUT
start_worker() {
	: >"$tmp/status"
	o=$1
	shift
	env "$@" SITEGEN_TIMING=1 SITEGEN_SERVE_WORKER=1 "$bin" build --out "$o" --theme "$tmp/theme" 3>"$tmp/status" 4>&- <"$tmp/to_worker" >>"$tmp/worker.log" 2>&1 &
	worker=$!
	exec 4>"$tmp/to_worker"
	builds=0
}
# end_worker: the end of its input; succeeds when it ended with status 0
end_worker() {
	exec 4>&-
	waited=0
	while kill -0 "$worker" 2>/dev/null && [ $waited -lt $limit ]; do sleep 0.1; waited=$((waited + 1)); done
	kill -0 "$worker" 2>/dev/null && return 1
	wait "$worker"
	st=$?
	worker=
	return $st
}
# build: one build in the kept process; succeeds when it said status 0
build() {
	builds=$((builds + 1))
	printf x >&4
	waited=0
	while [ "$(wc -l <"$tmp/status")" -lt $builds ]; do
		waited=$((waited + 1))
		[ $waited -gt $limit ] && return 1
		sleep 0.1
	done
	case $(statuses | tail -n 1) in 0 | "0 "*) return 0 ;; *) return 1 ;; esac
}
# statuses: the status lines the builds said (tests/lib.sh: worker_statuses)
statuses() {
	worker_statuses "$tmp/status"
}
edits=0
edit() {
	edits=$((edits + 1))
	printf '\n第%d次编辑。\n' "$edits" >>content/2022/lianxinka.md
}
# same WHAT: the output equals a plain build's into a directory of its own
# (with a parse cache of its own)
same() {
	rm -rf ref
	SITEGEN_CACHE_DIR=$tmp/ref-cache "$bin" build --out ref --theme theme --quiet --jobs 1 2>ref.err ||
		{ fail "$1: the plain build failed" ref.err; return; }
	if diff -r -x '.*' out ref >diff 2>&1; then pass "$1"; else fail "$1: the output differs from a plain build's" diff; fi
}
