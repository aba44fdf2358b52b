#!/bin/sh
# `sitegen serve` while a build runs (tests/serve_lib.sh's server on the golden
# content): requests answered at once from the last build, never a mix of two;
# the build process killed during a build, said on the open pages and in the
# terminal, and the next edit built by another.
set -u
. tests/serve_lib.sh

# ---- requests while a build runs: answered at once, but never a mix ----
# A slow build (tests/fault/fault.c: FAULT_SLOW makes the build's write of
# the new report's page to .staging, then its move into place, 3 s late: 1.5 s,
# and again on the retry that makes its folder): a request while it renders
# is answered from the last build at once; requests while its commit moves
# files wait for the commit and get the new build whole (the new page and the
# home page listing it), never one without the other.
# timed URL: "status milliseconds"; the page in body
timed() {
	t0=$(date +%s%N)
	r=$(req GET "$1")
	echo "${r%%|*} $((($(date +%s%N) - t0) / 1000000))"
}
if ! sanitized "$bin" && [ -f "$here/$B/tests/fault.so" ]; then
	start slow LD_PRELOAD="$here/$B/tests/fault.so" FAULT_SLOW=.staging/reports/slowpoke FAULT_SLOW_MS=1500
	built_before=$(grep -c 'built in' slow.log)
	printf -- '---\ntitle: 慢慢建成的报道\ndate: 2022-11-20\ndistrict: 离石区\n---\n\n慢。\n' >content/2022/slowpoke.md
	if wait_for test -d out/.staging; then
		set -- $(timed "${url}reports/lianxinka/")
		during=$(grep -c 'built in' slow.log)
		if [ "$1" = 200 ] && [ "$during" = "$built_before" ] && [ ! -d out/.staging/.old ] &&
			! grep -q 慢慢建成的报道 body; then
			pass "a request while a build renders is answered from the last build in $2 ms, before the build's commit and end"
		else
			fail "a request while a build renders: status $1 in $2 ms (builds ended meanwhile: $((during - built_before)))" slow.log
		fi
	else
		fail "the slow build did not start" slow.log
	fi
	if wait_for test -d out/.staging/.old; then	# the commit has begun: its move of the new page is slow
		(timed "${url}reports/slowpoke/" >t1; cp body b1) &
		w1=$!
		set -- $(timed "$url")
		wait $w1
		set -- "$@" $(cat t1)
		if [ "$1" = 200 ] && grep -q 慢慢建成的报道 body && [ "$3" = 200 ] && grep -q '慢。' b1; then
			pass "requests while the commit moves files wait for it ($2 ms, $4 ms) and get the new build whole: the new page and the home page listing it"
		else
			fail "requests during the commit: home $1 ($2 ms, lists it: $(grep -c 慢慢建成的报道 body)), new page $3 ($4 ms)" slow.log
		fi
	else
		fail "the slow build's commit was not seen" slow.log
	fi
	wait_for log_more 'built in' "$built_before" slow.log || fail "the slow build did not end" slow.log
	# the build process killed during a build: said, and the next edit is built by another
	# (once the last build's staging folder is gone: the build process removes it after
	# the build said it was done, slowly here, as FAULT_SLOW names a path in it; a kill
	# while it does is one between builds, which nothing says)
	wait_for test ! -d out/.staging
	printf '\n又慢了一次。\n' >>content/2022/slowpoke.md
	if wait_for test -d out/.staging; then
		kill -9 $(pgrep -P "$server")
		if wait_for grep -q 'the build was ended by signal 9' slow.log; then
			origin=$(echo "$url" | sed 's#^\(http://[^/]*\)/.*#\1#')
			if [ $http = curl ]; then
				curl -sN --max-time 0.5 "$origin/__sitegen/events" >events4
				grep -q '"errors":"sitegen: the build was ended by signal 9 (Killed) before it finished: not an error in the content' events4 &&
					pass "the build process killed during a build: the open pages are told it was killed, not an error to fix" ||
					fail "the overlay of a killed build" events4
			fi
			built_before=$(grep -c 'built in' slow.log)
			printf '\n杀掉以后又改了一次。\n' >>content/2022/slowpoke.md
			wait_for grep -q 杀掉以后又改了一次 out/reports/slowpoke/index.html &&
				pass "the build process killed during a build: the terminal says so, and the next edit is built by another" ||
				fail "after the build process was killed during a build, the next edit was not built" slow.log
		else
			fail "the build process killed during a build: not said" slow.log
		fi
	else
		fail "the second slow build did not start" slow.log
	fi
	stop slow "$server"

	# ---- the build process's status line (serve.h), wrong or missing ----
	# a status no build of ours says (negative: found by a review to leave the
	# server waiting for good): the process is ended, and the next edit is built
	start garbled LD_PRELOAD="$here/$B/tests/fault.so" FAULT_STATUS=-1 FAULT_STATUS_AFTER=1
	built_before=$(grep -c 'built in\|build failed' garbled.log)
	printf '\n乱说的状态。\n' >>content/2022/lianxinka.md
	wait_for log_more 'built in\|build failed' "$built_before" garbled.log
	printf '\n乱说以后。\n' >>content/2022/lianxinka.md
	if wait_for grep -q 乱说以后 out/reports/lianxinka/index.html && wait_for log_more 'built in' "$built_before" garbled.log; then
		pass "a build process saying a status no build says (-1) is ended, and the next edit is built"
	else
		fail "a build process saying a status no build says (-1): the next edit was not built" garbled.log
	fi
	stop garbled "$server"

	# killed after its commit, before its status: the next build's list of
	# changed files leaves out what the killed one wrote, so the open pages are
	# not told a list (every page reloads); found by a review, where a page
	# the killed build changed stayed stale
	start unsaid LD_PRELOAD="$here/$B/tests/fault.so" FAULT_STATUS=kill FAULT_STATUS_AFTER=1
	origin=$(echo "$url" | sed 's#^\(http://[^/]*\)/.*#\1#')
	printf '\n提交以后被杀。\n' >>content/2022/youtamenzai.md
	if wait_for grep -q 'the build was ended by signal 9' unsaid.log && grep -q 提交以后被杀 out/reports/youtamenzai/index.html; then
		built_before=$(grep -c 'built in' unsaid.log)
		printf '\n另一篇的编辑。\n' >>content/2022/lianxinka.md
		if wait_for log_more 'built in' "$built_before" unsaid.log && [ $http = curl ]; then
			curl -sN --max-time 0.5 "$origin/__sitegen/events" >events5
			if grep -q '^data: {"gen"' events5 && ! grep -q '"changed":' events5 && grep 'built in' unsaid.log | tail -1 | grep -qv 'files\{0,1\} changed'; then
				pass "a build killed after its commit: the next build's state names no files changed, so every open page reloads"
			else
				fail "a build killed after its commit: the next build's state" events5 unsaid.log
			fi
		elif [ $http != curl ]; then
			echo "skip - serve: the state after a killed build (no curl)"
		else
			fail "a build killed after its commit: the next edit was not built" unsaid.log
		fi
	else
		fail "the build killed after its commit: not seen" unsaid.log
	fi
	stop unsaid "$server"
else
	echo "skip - serve: requests during a slow build (tests/fault.so cannot be preloaded into a sanitized build)"
fi
exit 0
