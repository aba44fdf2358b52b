#!/bin/sh
# Runs libFuzzer targets (built by `make fuzz-build`) one after the other:
#
#   FUZZ_BUILD=build-fuzz FUZZ_SECONDS=60 sh tests/fuzz/fuzz.sh fuzz_article fuzz_config …
#
# Each target runs FUZZ_SECONDS seconds (niced: the machine is shared) on
# $FUZZ_BUILD/corpus/<target>, a working copy seeded from tests/fuzz/corpus/<target>
# (the tree is never written), plus the regression inputs of tests/fuzz/crashes/<target>.
# A crash, leak, timeout (over 10 s for one input) or out-of-memory (2 GB) is written to
# $FUZZ_BUILD/crashes/<target>/; the log is $FUZZ_BUILD/logs/<target>.log. Every target
# runs even when one fails; the exit status is 1 when any failed. Once the bug is fixed,
# copy the input into tests/fuzz/crashes/<target>/ so that `make test` keeps checking it.
set -u
FB=${FUZZ_BUILD:-build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
dir=$(dirname "$0")
failed=""
count=$#

# run_one TARGET: one target's run; its exit status goes to $FB/logs/TARGET.status
run_one() {
	t=$1
	bin=$FB/$t
	corpus=$FB/corpus/$t
	crashes=$FB/crashes/$t
	log=$FB/logs/$t.log
	mkdir -p "$corpus" "$crashes" "$FB/logs"
	cp "$dir/corpus/$t"/* "$corpus"/ 2>/dev/null
	regress=""
	[ -n "$(ls -A "$dir/crashes/$t" 2>/dev/null)" ] && regress=$dir/crashes/$t
	nice -n 10 "$bin" -max_total_time="$SECONDS_EACH" -dict="$dir/$t.dict" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" $regress >"$log" 2>&1
	echo $? >"$FB/logs/$t.status"
}

# FUZZ_PARALLEL targets at a time (CI runs two: the machine has two cores)
PARALLEL=${FUZZ_PARALLEL:-1}
running=0
for t in "$@"; do
	echo "fuzz: $t for ${SECONDS_EACH}s (log: $FB/logs/$t.log)"
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$PARALLEL" ]; then
		wait
		running=0
	fi
done
wait

for t in "$@"; do
	log=$FB/logs/$t.log
	status=$(cat "$FB/logs/$t.status" 2>/dev/null || echo 1)
	grep -aE '^(#[0-9]+[[:space:]]+DONE|Done [0-9]+ runs)' "$log" | tail -n 1 | sed "s/^/fuzz:   $t: /"
	if [ "$status" -ne 0 ]; then
		failed="$failed $t"
		echo "fuzz: $t FAILED (exit status $status)"
		grep -aE '^(==[0-9]+==ERROR|SUMMARY|.*fuzz check failed|ALARM|.*Test unit written to)' "$log" |
			sed 's/^/fuzz:   /'
		grep -aE '^ *#[0-9]+ 0x' "$log" | head -n 12 | sed 's/^/fuzz:   /'
	fi
done

if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed"
	exit 1
fi
echo "fuzz: all $count target(s) ran ${SECONDS_EACH}s each without a crash"
