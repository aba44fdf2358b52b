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
out=$(mktemp)
bg_dir=$(mktemp -d)
trap 'rm -rf "$out" "$bg_dir"' EXIT
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

run() {
	"$@" >"$out" 2>&1
	count "$out" $? "$*"
}

# The two slowest scripts (a 2,000-article build read back by Node; headless
# Chromium) start first, in the background, while the rest run: the machine
# has two cores. Their output is printed after the others', in this order.
# (Scripts that install Debian packages take turns: see flock in them.)
background() {	# name command…
	name=$1
	shift
	( "$@" >"$bg_dir/$name.out" 2>&1; echo $? >"$bg_dir/$name.status" ) &
}
collect() {	# name
	count "$bg_dir/$1.out" "$(cat "$bg_dir/$1.status" 2>/dev/null || echo 1)" "tests/$1.sh"
}

background search sh tests/search.sh
background browser sh tests/browser.sh
run "$B/tests/test_buf"
run "$B/tests/test_text"
run "$B/tests/test_parse"
run "$B/tests/test_tmpl"
run "$B/tests/mustache_spec" "$SPEC_DIR"
run sh tests/errors.sh
run sh tests/golden.sh
run sh tests/site.sh
run sh tests/incremental.sh
run sh tests/edge.sh
run sh tests/inputs.sh
run sh tests/limits.sh
run sh tests/faults.sh
run sh tests/output.sh
run sh tests/fuzz/regress.sh
run "$B/tests/fidelity" "$SEEDS_DIR" content
wait
collect search
collect browser

echo "$skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
