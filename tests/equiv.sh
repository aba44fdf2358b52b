#!/bin/sh
# Incremental builds against full builds, under random edits: on a synthetic
# corpus (bench/corpus.c), each step makes one edit or several at once
# (tests/equiv_mutate.py: body, title, subtitle, date, place, tags, people,
# other keys, an added, deleted or renamed file, a page bundle's image, a
# template, the stylesheet, the config, a file saved unchanged, --drafts),
# builds into the output of the step before, builds the same inputs into a
# fresh directory, and compares the two with diff -r. They must be identical
# every time. Some steps make an invalid edit first: that build must fail and
# leave the output as it was.
#
# EQUIV_SEED= (default: random), EQUIV_STEPS= (default 200), EQUIV_ARTICLES=
# (default 2000); EQUIV_SECONDS=T stops starting steps once T seconds have
# passed (CI: as many steps of the fixed sequence as fit its time);
# EQUIV_WORKER=1 makes the incremental builds in one kept build process of
# `sitegen serve` (SITEGEN_SERVE_WORKER: a byte on its input a build, its
# status on fd 3), which keeps the site from one build to the next and files
# a report added as the newest into its kept index (generator/build_reuse.h),
# started again when the edits change the options; each of its builds
# EQUIV_GAP seconds (2.1 unless set) after the step's edits: the process
# reads again files changed in the 2 s before it reads them and, after its
# parse cache's file changed in those 2 s, indexes whole (parse_cache.h), so
# that steps at a script's pace would never reach its kept site;
# EQUIV_KEEP=1 makes them with `sitegen build --keep` (generator/keep.h): the
# same kept build process, asked over its socket, which writes the state
# before it answers (EQUIV_GAP as for EQUIV_WORKER);
# EQUIV_LIMIT=N sets listing_limit before the first build (a config edit makes
# every page again, so only this tries small limits on the pages kept across
# changes of structure: bounded lists, split years, numbered pages). The seed
# is printed first; on a mismatch the step, its edits and the first differing
# files are printed and every directory is kept.
#
# Only .sitegen-state is left out of the comparison: it records the stat
# (inode, times) of every output file, which differ between two directories
# by nature, and lists the files in hash-table order. .sitegen-output, the
# empty marker, is compared like any file. After an invalid edit's failed
# build, every other file must keep its bytes, size, time and inode; the state
# is not checked there either (it is no page, and a failed build may mark it).
set -u
. tests/lib.sh
B=${B:-build}
BIN=$B/sitegen
# The search index's tail (its newest reports, in lists of their own: generator/search_internal.h) past a
# multiple of 4 rather than 32, unless set: a report added or deleted then often takes the tail into the lists or
# out of them, the patch's rarest case
export SITEGEN_SEARCH_TAIL=${SITEGEN_SEARCH_TAIL:-4}
SEED=${EQUIV_SEED:-}
STEPS=${EQUIV_STEPS:-200}
N=${EQUIV_ARTICLES:-2000}
SECONDS_MAX=${EQUIV_SECONDS:-0}
now() {
	date +%s%N
}
ms() {	# since (ns): milliseconds since then
	echo $((($(now) - $1) / 1000000))
}
[ -n "$SEED" ] || SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
echo "# equiv: seed $SEED, $STEPS steps on $N articles"
# thousands of small files: a tmpfs is much faster than the disk
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/equiv.XXXXXX")
keep=0
SITEGEN_CACHE_DIR=${SITEGEN_CACHE_DIR:-$W/cache}
export SITEGEN_CACHE_DIR
S=$W/site
t_start=$(now)
# the interpreter itself, found once (a pyenv shim costs up to a second a start on a busy
# machine), run with -S: the mutator needs nothing from site-packages, whose
# .pth files cost 0.1 s a start here
PY=$(python3 -c 'import sys; print(sys.executable)')

WORKER=${EQUIV_WORKER:-}
KEEP=${EQUIV_KEEP:-}
[ -n "$KEEP" ] && export SITEGEN_KEEP_DIR="$W/keep"	# the kept processes end once it is gone
worker= worker_opts= worker_builds=0
trap '[ -n "$worker" ] && kill "$worker" 2>/dev/null; [ $keep = 1 ] || rm -rf "$W"' EXIT
start_worker() {	# with the options the edits chose
	worker_opts=$(cat "$W/options" 2>/dev/null)
	: >"$W/worker.status"
	rm -f "$W/to_worker"
	mkfifo "$W/to_worker"
	SITEGEN_TIMING=1 SITEGEN_SERVE_WORKER=1 "$BIN" --config "$S/config.yml" --content "$S/content" --theme "$S/theme" \
		--out "$W/inc" --quiet $worker_opts 3>"$W/worker.status" <"$W/to_worker" >>"$W/worker.log" 2>&1 &
	worker=$!
	exec 5>"$W/to_worker"
	worker_builds=0
}
stop_worker() {
	exec 5>&-
	wait "$worker"
	worker=
}
# the status lines the process said (tests/lib.sh)
statuses() {
	worker_statuses "$W/worker.status"
}
worker_build() {	# name: as build, in the kept process
	if [ -n "$worker" ] && [ "$(cat "$W/options" 2>/dev/null)" != "$worker_opts" ]; then
		stop_worker
	fi
	[ -n "$worker" ] || start_worker
	: >"$W/worker.log"
	worker_builds=$((worker_builds + 1))
	printf x >&5
	while [ "$(statuses | wc -l)" -lt $worker_builds ] && kill -0 "$worker" 2>/dev/null; do sleep 0.02; done
	st=$(statuses | sed -n "${worker_builds}p" | cut -d' ' -f1)
	cp "$W/worker.log" "$W/$1.err"
	grep "^sitegen: parsed" "$W/worker.log" >>"$W/worker.all"
	echo "${st:-gone}" >"$W/$1.st"
}
build() {	# out-dir name: the build's status in $W/name.st, messages in $W/name.err
	# (with the options the edits chose: --drafts or none)
	if [ -n "$WORKER" ] && [ "$2" = inc ]; then
		worker_build "$2"
		return
	fi
	keepopt=
	[ -n "$KEEP" ] && [ "$2" = inc ] && keepopt=--keep=1
	"$BIN" --config "$S/config.yml" --content "$S/content" --theme "$S/theme" --out "$1" --quiet $keepopt \
		$(cat "$W/options" 2>/dev/null) >/dev/null 2>"$W/$2.err"
	echo $? >"$W/$2.st"
}
# what the output holds, every file's size, mtime and inode (the state aside)
listing() {
	(cd "$W/inc" && find . -path ./.sitegen-state -prune -o -printf '%p %y %s %T@ %i\n' | sort)
}
fail() {	# step message: prints it with the step's edits, keeps every directory
	keep=1
	echo "not ok - equiv: step $1 of seed $SEED ($N articles): $2"
	echo "#   the step's edits:"
	sed 's/^/#     /' "$W/step.edits"
	echo "#   all edits so far: $W/edits.log; the inputs: $S; the incremental output: $W/inc;"
	echo "#   the full build: $W/full (every directory kept)"
	echo "#   again: make equiv-check EQUIV_SEED=$SEED EQUIV_STEPS=$1 EQUIV_ARTICLES=$N"
}

if ! "$B/corpus" "$N" "$S" content >/dev/null || ! cp -r theme "$S/theme"; then
	echo "not ok - equiv: the corpus generator failed"
	exit 1
fi
# the kept process reads again, and indexes whole, files changed (their
# ctime) in the 2 s before it read them (parse_cache.h): the corpus left
# that long first, so that its first builds keep what they can
[ -n "$WORKER$KEEP" ] && sleep 2.1
if [ -n "${EQUIV_LIMIT:-}" ]; then
	printf 'listing_limit: %s\n' "$EQUIV_LIMIT" >>"$S/config.yml"
	echo "# equiv: listing_limit $EQUIV_LIMIT"
fi
: >"$W/edits.log"
build "$W/inc" inc
if [ "$(cat "$W/inc.st")" != 0 ]; then
	echo "not ok - equiv: the first build of the corpus failed"
	sed 's/^/#   /' "$W/inc.err" | head -20
	exit 1
fi

t_mut=0 t_builds=0 t_cmp=0 invalid=0 edits=0
t0=$(now)
step=1
while [ "$step" -le "$STEPS" ]; do
	if [ "$SECONDS_MAX" -gt 0 ] && [ "$(ms "$t_start")" -ge $((SECONDS_MAX * 1000)) ]; then
		echo "# equiv: EQUIV_SECONDS=$SECONDS_MAX reached: stopped after $((step - 1)) of $STEPS steps"
		break
	fi
	t=$(now)
	"$PY" -S tests/equiv_mutate.py "$S" "$SEED" "$step" >"$W/step.edits" 2>"$W/mutate.err"
	st=$?
	t_mut=$((t_mut + $(ms "$t")))
	if [ "$st" = 3 ]; then
		# an invalid edit: the build fails and leaves the output as it was
		invalid=$((invalid + 1))
		listing >"$W/before"
		build "$W/inc" inc
		listing >"$W/after"
		if [ "$(cat "$W/inc.st")" != 1 ] || ! grep -q ': error: ' "$W/inc.err"; then
			fail "$step" "the invalid edit did not fail the build with an error (status $(cat "$W/inc.st"))"
			sed 's/^/#   /' "$W/inc.err" | head -10
			exit 1
		fi
		if ! cmp -s "$W/before" "$W/after"; then
			fail "$step" "the failed build changed the output"
			diff "$W/before" "$W/after" | head -10 | sed 's/^/#   /'
			exit 1
		fi
		t=$(now)
		"$PY" -S tests/equiv_mutate.py "$S" "$SEED" "$step" fix >>"$W/step.edits" 2>"$W/mutate.err"
		st=$?
		t_mut=$((t_mut + $(ms "$t")))
	fi
	sed "s/^/step $step: /" "$W/step.edits" >>"$W/edits.log"
	if [ "$st" != 0 ]; then
		fail "$step" "the mutator failed (status $st)"
		sed 's/^/#   /' "$W/mutate.err"
		exit 1
	fi
	edits=$((edits + $(grep -vc '^fix: ' "$W/step.edits")))
	[ -n "$WORKER$KEEP" ] && sleep "${EQUIV_GAP:-2.1}"
	# the incremental build and the full one, at once (two cores)
	t=$(now)
	# the full build without the parse cache the incremental one uses (a
	# stale record would spoil both alike); with the memo, which is ICU's
	# answers and no input
	(rm -rf "$W/full" && mkdir -p "$W/full-cache" && cp -p "$SITEGEN_CACHE_DIR/memo" "$W/full-cache/" 2>/dev/null;
		SITEGEN_CACHE_DIR=$W/full-cache build "$W/full" full; rm -f "$W/full-cache"/parse-*) &
	full=$!
	build "$W/inc" inc
	wait "$full"
	t_builds=$((t_builds + $(ms "$t")))
	if [ "$(cat "$W/inc.st")" != 0 ] || [ "$(cat "$W/full.st")" != 0 ]; then
		fail "$step" "a build failed (incremental: status $(cat "$W/inc.st"), full: $(cat "$W/full.st"))"
		sed 's/^/#   /' "$W/inc.err" | grep -v warning | head -10
		exit 1
	fi
	t=$(now)
	# the kept process says its status, then removes its staging folder holding the output's lock (its
	# cleanup deferred): the diff waits for the lock, as a build would
	[ -n "$WORKER" ] && flock -w 60 -s "$W/inc" true
	if ! diff -rq -x .sitegen-state "$W/inc" "$W/full" >"$W/diffs" 2>&1; then
		fail "$step" "the incremental build differs from a full build"
		echo "#   $(wc -l <"$W/diffs") files differ; the first:"
		head -10 "$W/diffs" | sed "s|$W/||g; s/^/#     /"
		diff -r -x .sitegen-state "$W/inc" "$W/full" 2>&1 | head -20 | sed "s|$W/||g; s/^/#   /"
		exit 1
	fi
	t_cmp=$((t_cmp + $(ms "$t")))
	step=$((step + 1))
done
total=$(ms "$t0")
steps_done=$((step - 1))
[ -n "$worker" ] && stop_worker
how=
if [ -n "$WORKER" ]; then
	kept=$(grep -c "the others kept with the earlier build's index" "$W/worker.all")
	added=$(grep -c 'and the one added (indexed as the newest)' "$W/worker.all")
	how=" in serve's kept build process ($kept builds from its kept index, $added of them with a report added as the newest)"
fi
echo "ok - equiv: $steps_done steps of random edits ($edits edits, seed $SEED, $N articles)$how: every incremental build equals a full build"
if [ "$invalid" -gt 0 ]; then
	echo "ok - equiv: invalid edits among them: $invalid, each failing the build with an error and leaving the output untouched"
else
	echo "# equiv: no invalid edit in these steps"
fi
echo "# equiv: the edits by kind: $(sed 's/^step [0-9]*: \([^:]*\):.*/\1/' "$W/edits.log" | sort | uniq -c |
	awk '{ n = $1; $1 = ""; printf "%s%s %d", sep, substr($0, 2), n; sep = ", " }')"
echo "# equiv: $((total / 1000)).$((total % 1000 / 100)) s for $steps_done steps: builds $((t_builds / 1000)) s" \
	"(incremental and full at once), compare $((t_cmp / 1000)) s, edits $((t_mut / 1000)) s"
