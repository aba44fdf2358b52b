#!/bin/sh
# A rebuild writes its pages into the output's .staging/ folder and moves
# them into place at its commit. That folder is written to, and moved out
# of, through the descriptor of the folder the build made (write.c,
# make_staging), never through its name: anyone who may write to the output
# can swap the name for a link to a folder elsewhere while the build runs.
# Found by a hostile review (stop 34's F2): by name, the pages went into
# that folder, overwriting files there of the same names, and the commit
# then moved that folder's files into the output. Here a watcher swaps
# .staging/ for a link to a copy of the output's pages the moment the
# build makes it, in three template edits (every page staged): the copy
# outside must keep every file and byte, and the build's output must equal
# a plain build's. Then the same with the output's reports/ folder swapped
# for a link once the commit's moves have begun: the moves go through each
# target folder's descriptor, opened through real folders alone
# (write_commit.c: target_dir), so nothing goes into the folder outside
# (found by stop 35's hostile review: by path, all 1,500 of its pages were
# overwritten).
set -u
B=${B:-build}
BIN=$(pwd)/$B/sitegen
what="staging swap"
python=$(command -v python3) || { echo "skip - $what: no python3"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass() { echo "ok - $what: $1"; }
fail() { echo "not ok - $what: $1"; [ -n "${2:-}" ] && sed 's/^/#   /' "$2" | head -20; }
here=$(pwd)
"$here/$B/corpus" 300 "$tmp/c" "$here/content" >/dev/null 2>&1 || { fail "the corpus could not be made"; exit 0; }
cp -r theme "$tmp/theme"
# swap_when DIR N NAME TARGET NOTE: once the folder DIR holds N entries
# (0: once it is there), NAME becomes a link to TARGET (a folder there moved
# aside to NAME-aside; a link there pointed anew), and NOTE gets a line
swap_when() {
	"$python" - "$@" <<'EOF'
import os, sys, time
watch, least, name, target, note = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
end = time.time() + 30
while time.time() < end:
    try:
        if len(os.listdir(watch)) < least:
            continue
        if os.path.islink(name):
            os.unlink(name)
        else:
            os.rename(name, name + "-aside")
    except OSError:
        continue
    os.symlink(target, name)
    open(note, "a").write("swapped\n")
    break
EOF
}
cd "$tmp/c" || exit 1
build() {	# out [theme]
	"$BIN" build --out "$1" --theme "${2:-$tmp/theme}" --quiet
}
build "$tmp/out" 2>"$tmp/err" || { fail "the first build failed" "$tmp/err"; exit 0; }
# the copy outside, its pages at the same paths as the staged ones will be
cp -r "$tmp/out" "$tmp/victim" && rm -rf "$tmp/victim"/.[!.]*
(cd "$tmp/victim" && find . -type f -exec md5sum {} + | sort) >"$tmp/victim.sums"
for round in 1 2 3; do
	sed -i "s|</footer>|<!-- round $round --></footer>|" "$tmp/theme/templates/base.mustache"
	# the watcher: the moment .staging/ appears, it goes aside and a link
	# to the copy outside takes its name; both are undone after the build
	swap_when "$tmp/out/.staging" 0 "$tmp/out/.staging" "$tmp/victim" "$tmp/swapped" &
	watcher=$!
	build "$tmp/out" 2>"$tmp/err"
	status=$?
	wait "$watcher"
	[ -L "$tmp/out/.staging" ] && rm "$tmp/out/.staging"
	rm -rf "$tmp/out/.staging-aside"
	# the build may succeed (its pages came through the folder it made) or
	# say something changed under it; either way the next build is whole
	[ $status -eq 0 ] || build "$tmp/out" 2>>"$tmp/err" || fail "round $round: the build after the swap failed" "$tmp/err"
done
swaps=$(cat "$tmp/swapped" 2>/dev/null | wc -l)
[ "$swaps" -ge 2 ] || fail "the watcher swapped the folder in only $swaps of 3 rounds"
(cd "$tmp/victim" && find . -type f -exec md5sum {} + | sort) >"$tmp/victim.after"
if cmp -s "$tmp/victim.sums" "$tmp/victim.after"; then
	pass "the staging folder swapped for a link while the build ran ($swaps times): the folder outside keeps every file and byte ($(wc -l <"$tmp/victim.sums") files)"
else
	fail "the staging folder swapped for a link: the folder outside changed ($(diff "$tmp/victim.sums" "$tmp/victim.after" | grep -c '^[<>]') lines of its sums differ)"
fi
build "$tmp/ref" 2>/dev/null
if diff -r -x '.*' "$tmp/out" "$tmp/ref" >/dev/null; then
	pass "and the output is a plain build's"
else
	fail "the output differs from a plain build's: $(diff -rq -x '.*' "$tmp/out" "$tmp/ref" | head -3)"
fi

rm -rf "$tmp/victim" && cp -r "$tmp/out/reports" "$tmp/victim"
(cd "$tmp/victim" && find . -type f -exec md5sum {} + | sort) >"$tmp/victim.sums"
: >"$tmp/swapped"
for round in 4 5; do
	rm -rf "$tmp/before" && cp -r "$tmp/out" "$tmp/before"
	sed -i "s|</footer>|<!-- round $round --></footer>|" "$tmp/theme/templates/base.mustache"
	swap_when "$tmp/out/.staging/.old" 1 "$tmp/out/reports" "$tmp/victim" "$tmp/swapped" &
	watcher=$!
	build "$tmp/out" 2>"$tmp/err"
	status=$?
	wait "$watcher"
	if [ -L "$tmp/out/reports" ]; then
		rm "$tmp/out/reports" && mv "$tmp/out/reports-aside" "$tmp/out/reports"
		grep -q "became a link" "$tmp/err" || fail "round $round: the build did not say a folder became a link (status $status)" "$tmp/err"
		# the failed commit puts back every file it can reach: all but
		# those below the swapped folder are the earlier build's (found by
		# the second review: the put-back stopped at the first it could
		# not reach, leaving hundreds of new pages elsewhere)
		if diff -r -x '.*' -x reports "$tmp/out" "$tmp/before" >"$tmp/putback.diff"; then
			pass "round $round: the failed commit put back every page outside the swapped folder"
		else
			fail "round $round: pages outside the swapped folder stayed the failed build's ($(grep -c '^diff\|^Only' "$tmp/putback.diff") differ)"
		fi
	fi
	build "$tmp/out" 2>>"$tmp/err" || fail "round $round: the build after the swap failed" "$tmp/err"
done
swaps=$(wc -l <"$tmp/swapped")
(cd "$tmp/victim" && find . -type f -exec md5sum {} + | sort) >"$tmp/victim.after"
if [ "$swaps" -ge 1 ] && cmp -s "$tmp/victim.sums" "$tmp/victim.after"; then
	pass "reports/ swapped for a link once the commit's moves began ($swaps times): the folder outside keeps every file and byte"
else
	fail "reports/ swapped for a link during the commit ($swaps times): the folder outside changed ($(diff "$tmp/victim.sums" "$tmp/victim.after" | grep -c '^[<>]') lines of its sums differ)"
fi
rm -rf "$tmp/ref"
build "$tmp/ref" 2>/dev/null
if diff -r -x '.*' "$tmp/out" "$tmp/ref" >/dev/null; then
	pass "and the output after the next build is a plain build's"
else
	fail "the output after the next build differs from a plain build's: $(diff -rq -x '.*' "$tmp/out" "$tmp/ref" | head -3)"
fi

# A first build into an empty output writes its pages in place, each
# through its folder opened below the output through real folders alone
# (write_kept.c: write_create_kept): reports/ swapped for a link to a copy
# of the pages outside once it holds a few leaves the copy as it was (found
# by stop 35's second review: by path, 296 of its files were overwritten
# and the build's status was 0). The writes are
# slowed by the fault library so that the swap comes while they go on.
. "$here/tests/lib.sh"
if sanitized "$BIN" || [ ! -f "$here/$B/tests/fault.so" ]; then
	echo "skip - $what: a first build's folder swapped: no fault library (or a sanitized build)"
	exit 0
fi
rm -rf "$tmp/victim" "$tmp/first" && cp -r "$tmp/out/reports" "$tmp/victim" && mkdir "$tmp/first"
# the copy's files as they stand, times too: a page written over one of
# them has the same bytes (the same inputs)
(cd "$tmp/victim" && find . -type f -printf '%p %s %T@\n' | sort) >"$tmp/victim.sums"
swap_when "$tmp/first/reports" 5 "$tmp/first/reports" "$tmp/victim" "$tmp/swapped3" &
watcher=$!
LD_PRELOAD="$here/$B/tests/fault.so" FAULT_SLOW=reports/ FAULT_SLOW_MS=5 build "$tmp/first" 2>"$tmp/err"
status=$?
wait "$watcher"
(cd "$tmp/victim" && find . -type f -printf '%p %s %T@\n' | sort) >"$tmp/victim.after"
# (the build may fail saying so, or go on into the folder it holds open,
# now reports-aside: either way nothing outside)
if [ -s "$tmp/swapped3" ] && cmp -s "$tmp/victim.sums" "$tmp/victim.after"; then
	pass "a first build's reports/ swapped for a link while it writes: the folder outside keeps every file untouched (status $status)"
else
	fail "a first build's reports/ swapped for a link (swapped: $(cat "$tmp/swapped3" 2>/dev/null | wc -l), status $status): the folder outside changed ($(diff "$tmp/victim.sums" "$tmp/victim.after" | grep -c '^>') files written over)" "$tmp/err"
fi
rm -rf "$tmp/first" && mkdir "$tmp/first"
build "$tmp/first" 2>"$tmp/err" && diff -r -x '.*' "$tmp/first" "$tmp/ref" >/dev/null &&
	pass "and a first build after it is a plain build's" || fail "the first build after it differs from a plain build's" "$tmp/err"

# The output given as a link, pointed at another folder while a rebuild
# commits: the state and the marker are written through the folder the
# build locked, never its name, so the other folder gets nothing (found by
# stop 35's second review: it got the 550 KB state).
rm -rf "$tmp/real" "$tmp/other" "$tmp/outlink" && mkdir "$tmp/real" "$tmp/other" && ln -s real "$tmp/outlink"
build "$tmp/outlink" 2>"$tmp/err" || fail "a build through a link failed" "$tmp/err"
sed -i "s|</footer>|<!-- round 6 --></footer>|" "$tmp/theme/templates/base.mustache"
swap_when "$tmp/real/.staging/.old" 1 "$tmp/outlink" other "$tmp/swapped4" &
watcher=$!
LD_PRELOAD="$here/$B/tests/fault.so" FAULT_SLOW=reports/ FAULT_SLOW_MS=2 build "$tmp/outlink" 2>"$tmp/err"
status=$?
wait "$watcher"
if [ -s "$tmp/swapped4" ] && [ -z "$(ls -A "$tmp/other")" ]; then
	pass "the output's link pointed elsewhere while the build committed: nothing written there (status $status)"
else
	fail "the output's link pointed elsewhere (swapped: $(cat "$tmp/swapped4" 2>/dev/null | wc -l)): $(ls -A "$tmp/other" | head -3 | tr '\n' ' ')written there" "$tmp/err"
fi
