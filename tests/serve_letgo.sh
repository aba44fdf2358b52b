#!/bin/sh
# `sitegen serve`'s kept build process let go after 64 builds (serve_build.c):
# 70 edits, each built in turn; the process is replaced once, quietly (no
# "build process ended" line), the output is a plain build's after them all,
# and the server's stop ends the second process. (make test-slow: 70 builds.)
set -u
. tests/serve_lib.sh

start letgo
built() { grep -c 'built in' letgo.log; }
first=$(pgrep -P "$server")
pids_seen=" $first"
ok_builds=1
n_edit=0
while [ $n_edit -lt 70 ]; do
	n_edit=$((n_edit + 1))
	before=$(built)
	printf '\n第%d次编辑。\n' "$n_edit" >>content/2022/lianxinka.md
	if ! wait_for log_more 'built in' "$before" letgo.log; then
		ok_builds=0
		break
	fi
	p=$(pgrep -P "$server")
	case "$pids_seen" in *" $p"*) ;; *) pids_seen="$pids_seen $p" ;; esac
done
set -- $pids_seen
if [ $ok_builds = 1 ] && [ $# = 2 ] && ! grep -q 'the build process ended with' letgo.log; then
	pass "70 edits, each built: the build process replaced once, after its 64th build ($1, then $2), quietly"
else
	fail "70 edits: builds ok $ok_builds, build processes seen:$pids_seen" letgo.log
fi
"$bin" --out ref --quiet 2>ref.err || fail "the reference build failed" ref.err
diff -r -x '.*' out ref >diff && pass "after 70 builds in two kept processes, the output equals a plain build's" ||
	fail "after 70 builds, the output differs from a plain build's" diff
last=$(pgrep -P "$server")
stop letgo "$server"
[ -n "$last" ] && ! kill -0 "$last" 2>/dev/null && pass "the server's stop ends the second build process" ||
	fail "the build process $last outlived the server"
exit 0
