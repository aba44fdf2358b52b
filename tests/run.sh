#!/bin/sh
# The test runner behind `make test`. Every test prints one line per check:
# `ok - …`, `not ok - …` (details follow on lines starting with `#` or spaces)
# or `skip - …`. This script runs them all, counts those lines and ends with
# the line `N passed, N failed`. A test that exits non-zero without printing a
# `not ok` line counts as one failure.
set -u
B=${BUILD:-build}
SPEC_DIR=${SPEC_DIR:-../shared/mustache-spec}
SEEDS_DIR=${SEEDS_DIR:-../shared/seeds}
export B SPEC_DIR SEEDS_DIR
# The tests build thousands of small files: on a tmpfs that costs a tenth
# of what it costs on this machine's disk.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
	export TMPDIR
fi
bg_dir=$(mktemp -d)
trap 'rm -rf "$bg_dir"' EXIT
# The builds share one memo of ICU's answers (generator/memo.h) for this run
# only: the user's ~/.cache is left alone, and no run depends on an earlier.
SITEGEN_CACHE_DIR=${SITEGEN_CACHE_DIR:-$bg_dir/cache}
export SITEGEN_CACHE_DIR
# python3 found once: when it is a version manager's shim (pyenv's is a bash
# script running a dozen more processes a start, ~0.5 s of CPU each time; the
# tests start Python ~25 times), a link to the interpreter it chose goes first
# on PATH, so that every `python3` and `#!/usr/bin/env python3` of the tests
# runs that same interpreter at once.
if py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$py" ] &&
	[ "$py" != "$(command -v python3)" ]; then
	mkdir "$bg_dir/bin" && ln -s "$py" "$bg_dir/bin/python3" && PATH=$bg_dir/bin:$PATH
	export PATH
fi
pass=0
fail=0
skip=0

# count FILE STATUS NAME: prints a finished test's output and adds up its lines.
count() {
	cat "$1"
	status=$2
	log=$1
	name=$3
	p=$(grep -c '^ok - ' "$log")
	f=$(grep -c '^not ok - ' "$log")
	s=$(grep -c '^skip - ' "$log")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - '$name' exited with status $status"
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
}


# Every test runs in the background, at most TEST_JOBS at a time (default:
# as many as the machine has cores: on a host of two, four at a time took a
# quarter longer than two, the tests slowing each other more than they
# overlapped), the longest first, as the last line of a run measures them
# (a long test started late was the run's end, waiting for it alone); the
# server's tests, which mostly wait on the server's timers, run beside them
# without taking a slot. Their output is printed afterwards in the order of
# the list below, each test's lines together. The tests use only temporary
# directories of their own, so their order does not matter.
# (Scripts that install Debian packages take turns: see flock in them.)
TEST_JOBS=${TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
# Which tests: TEST_SET=quick (make test: every feature's checks, under a
# minute on a second run), slow (make test-slow: the sweeps of robustness,
# many builds each: faults injected at every step, builds killed at every
# point, two builds at once, hostile and odd input, the theme's checks of
# every page kind in a browser) or all (both: CI and the sanitizer runs).
TEST_SET=${TEST_SET:-quick}
case $TEST_SET in
quick | slow | all) ;;
*) echo "tests/run.sh: TEST_SET is quick, slow or all, not '$TEST_SET'" >&2; exit 2 ;;
esac
quick() { [ "$TEST_SET" = slow ] || start "$@"; }
slow() { [ "$TEST_SET" = quick ] || start "$@"; }
order=""
# A job slot is a line in a FIFO: start takes one (a read that blocks until
# a test ends and puts its line back), so no loop polls while tests run.
mkfifo "$bg_dir/slots"
exec 3<>"$bg_dir/slots"
i=0
while [ $i -lt "$TEST_JOBS" ]; do
	echo >&3
	i=$((i + 1))
done
start() {	# name command…
	name=$1
	shift
	read -r _ <&3
	order="$order $name"
	( t0=$(date +%s); "$@" >"$bg_dir/$name.out" 2>&1 3>&-; st=$?
	  echo "$name $(($(date +%s) - t0))" >"$bg_dir/$name.time"; echo $st >"$bg_dir/$name.status"; echo >&3 ) &
}
# beside NAME COMMAND…: started at once, without a slot (a test that mostly waits).
beside() {
	[ "$TEST_SET" = slow ] && return
	name=$1
	shift
	order="$order $name"
	( t0=$(date +%s); "$@" >"$bg_dir/$name.out" 2>&1 3>&-; st=$?
	  echo "$name $(($(date +%s) - t0))" >"$bg_dir/$name.time"; echo $st >"$bg_dir/$name.status" ) &
}

beside serve sh tests/serve.sh
beside serve_during sh tests/serve_during.sh
beside serve_cache sh tests/serve_cache.sh
beside serve_reuse sh tests/serve_reuse.sh
beside serve_staging sh tests/serve_staging.sh
# The two tests of the kept process's watches, one after the other: each
# mounts a file system for a while (as root), and a mount anywhere stops such
# a watch (as meant), which made the other's checks of the watch fail when
# they met.
beside watches sh -c 'sh tests/serve_watch.sh; s=$?; sh tests/content_watch.sh || s=1; exit $s'
quick browser sh tests/browser.sh
quick search_incremental sh tests/search_incremental.sh core
quick cli sh tests/cli.sh
beside keep sh tests/keep.sh
quick parse_cache sh tests/parse_cache.sh core
quick search sh tests/search.sh
quick incremental sh tests/incremental.sh
quick memo sh tests/memo.sh
quick search_dict sh tests/search_dict.sh
quick equiv env EQUIV_SEED=128 EQUIV_STEPS=6 EQUIV_ARTICLES=30 sh tests/equiv.sh
slow theme_browser sh tests/theme_browser.sh
slow output sh tests/output.sh
slow faults sh tests/faults.sh
slow staging_swap sh tests/staging_swap.sh
slow equiv_crash sh tests/equiv_crash.sh
quick listings sh tests/listings.sh
slow limits sh tests/limits.sh
slow search_sample sh tests/search_sample.sh
slow search_incremental_more sh tests/search_incremental.sh more
slow parse_cache_more sh tests/parse_cache.sh more
slow serve_letgo sh tests/serve_letgo.sh
slow search_limits sh tests/search_limits.sh
quick site sh tests/site.sh
slow inputs sh tests/inputs.sh
quick edge sh tests/edge.sh
quick images sh tests/images.sh
quick nav_series sh tests/nav_series.sh
quick search_off sh tests/search_off.sh
quick errors sh tests/errors.sh
quick feeds sh tests/feeds.sh
quick reader sh tests/reader.sh
quick samepage sh tests/samepage.sh
quick neighbours sh tests/neighbours.sh
quick related sh tests/related.sh
quick warnings sh tests/warnings.sh
quick hugepages sh tests/hugepages.sh
quick theme sh tests/theme.sh
quick regress sh tests/fuzz/regress.sh
quick test_text "$B/tests/test_text"
quick test_tmpl "$B/tests/test_tmpl"
quick test_parse "$B/tests/test_parse"
quick test_memo "$B/tests/test_memo"
quick test_buf "$B/tests/test_buf"
quick test_serve_changed "$B/tests/test_serve_changed"
quick test_search_codec "$B/tests/test_search_codec"
quick mustache_spec "$B/tests/mustache_spec" "$SPEC_DIR"
quick golden sh tests/golden.sh
quick fidelity "$B/tests/fidelity" "$SEEDS_DIR" content
wait
for name in $order; do
	count "$bg_dir/$name.out" "$(cat "$bg_dir/$name.status" 2>/dev/null || echo 1)" "$name"
done

# how long each took (wall seconds, the slowest first): where the run's time goes
echo "# time: $(cat "$bg_dir"/*.time 2>/dev/null | sort -k2,2nr | awk '$2 > 0 { printf "%s %s s, ", $1, $2 }')"
echo "$skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
