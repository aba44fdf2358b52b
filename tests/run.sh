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
log=$(mktemp)
trap 'rm -f "$log"' EXIT
pass=0
fail=0
skip=0

run() {
	"$@" >"$log" 2>&1
	status=$?
	cat "$log"
	p=$(grep -c '^ok - ' "$log")
	f=$(grep -c '^not ok - ' "$log")
	s=$(grep -c '^skip - ' "$log")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - '$*' exited with status $status"
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
}

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
run sh tests/output.sh
run sh tests/search.sh
run sh tests/browser.sh
run sh tests/fuzz/regress.sh
run "$B/tests/fidelity" "$SEEDS_DIR" content

echo "$skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
