#!/bin/sh
# A build that dies between writing the pages and writing the build state
# (.sitegen-state): the next build must still give exactly a full build's
# output, whether the inputs stay as the dead build saw them or go back to
# what the state describes (the edit undone: the case where a build that
# trusted a stale state would keep the dead build's pages).
#
# tests/fault/fault.c makes the Nth rename to .sitegen-state fail, or with
# FAULT_KILL=1 kills the build with SIGKILL at that point, for N = 0, 1, …
# until a build gets past every state write; one of those points must fall
# after the pages were moved into place (checked: the output's pages are
# then the new ones, the state not).
set -u
. tests/lib.sh
B=${B:-build}
BIN=$B/sitegen
FAULT=$(pwd)/$B/tests/fault.so
if sanitized "$BIN"; then
	echo "skip - equiv-crash: $BIN is built with a sanitizer, which cannot run under LD_PRELOAD"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
SITEGEN_CACHE_DIR=${SITEGEN_CACHE_DIR:-$tmp/cache}
export SITEGEN_CACHE_DIR
"$B/corpus" 10 "$tmp/c" content >/dev/null || { echo "not ok - equiv-crash: the corpus generator failed"; exit 1; }
C=$tmp/c/content
build() {	# out-dir [env…]: the status in $st
	out=$1
	shift
	env "$@" "$BIN" --config "$tmp/c/config.yml" --content "$C" --out "$out" --quiet 2>"$tmp/err" >/dev/null
	st=$?
}
same() {	# dir dir
	diff -r -x .sitegen-state "$1" "$2" >"$tmp/diff" 2>&1
}
# rebuild_after_kill CASE LABEL: the build that follows one stopped in $o, the
# edit kept (CASE *-next) or undone (*-undone), must equal a full build of
# its inputs; a difference is added to $bad under LABEL.
rebuild_after_kill() {
	ref=$tmp/ref-new
	if [ "${1#*-}" = undone ]; then
		inputs old
		ref=$tmp/ref-old
	fi
	build "$o"
	if [ $st != 0 ] || ! same "$ref" "$o"; then
		bad="$bad $2"
		head -5 "$tmp/diff" | sed 's/^/#   /'
	fi
}
# The edit: one report's title (its listings, neighbours and feeds change)
# and another's body (its page and its search text).
f1=$C/2021/000005.md
f2=$(find "$C" -name '*.md' | sort | sed -n 5p)
mkdir -p "$tmp/old" "$tmp/new"
cp "$f1" "$f2" "$tmp/old/"
sed 's/^title: .*/title: 改过的标题/' "$f1" >"$tmp/new/$(basename "$f1")"
{ cat "$f2"; printf '\n新加的一段文字。\n'; } >"$tmp/new/$(basename "$f2")"
inputs() {	# old|new: puts that version of the two files in place
	cp "$tmp/$1/$(basename "$f1")" "$f1"
	cp "$tmp/$1/$(basename "$f2")" "$f2"
}
inputs new
build "$tmp/ref-new"
inputs old

# (a failing write, rather than a death, only with the edit undone: the
# harder case, and each case costs three builds)
between=0 bad="" n=0 cases=0
while [ $n -lt 6 ]; do
	for case in kill-next kill-undone fail-undone; do
		o=$tmp/o-$n-$case
		build "$o"
		# the reference for the inputs undone: a full build of them
		[ -d "$tmp/ref-old" ] || cp -a "$o" "$tmp/ref-old"
		inputs new
		if [ "${case%-*}" = kill ]; then
			build "$o" FAULT_RENAME_TO=.sitegen-state FAULT_RENAME=$n FAULT_ONCE=1 FAULT_KILL=1 LD_PRELOAD="$FAULT"
			want=137
		else
			build "$o" FAULT_RENAME_TO=.sitegen-state FAULT_RENAME=$n FAULT_ONCE=1 LD_PRELOAD="$FAULT"
			want=1
		fi
		[ $st = 0 ] && break 2	# past the last state write: nothing left to break
		if [ $st != $want ]; then
			bad="$bad $n-$case(status $st)"
		else
			# the pages are the new ones (the state's temporary file aside)
			diff -r -x .sitegen-state -x .sitegen-state.tmp "$tmp/ref-new" "$o" >/dev/null 2>&1 &&
				between=$((between + 1))
			rebuild_after_kill $case "$n-$case"
			cases=$((cases + 1))
		fi
		inputs old
		rm -rf "$o"
	done
	n=$((n + 1))
done
if [ -z "$bad" ] && [ $cases -gt 0 ]; then
	echo "ok - equiv-crash: a build killed at each of its $n writes of the state (or failing there): the next build equals a full build, with the edit kept or undone ($cases cases)"
else
	echo "not ok - equiv-crash: after a build killed or failing at a write of its state, the next build differs from a full build:${bad:- no state write was met}"
fi
# An edit's commit replaces only files the state lists: the earlier state
# stands while it runs (no commit's state is written first), so the state is
# renamed into place once, at the end.
if [ "$n" -eq 1 ]; then
	echo "ok - equiv-crash: an edit's commit, replacing only listed files, writes the state once, at its end"
else
	echo "not ok - equiv-crash: an edit's commit wrote the state $n times"
fi
# ...and a build killed at a rename of that commit (some pages in place,
# the earlier state still there) is followed by a full build's output: at
# the 1st, 3rd, 7th, 15th… rename (each is three builds; all 70 took minutes).
bad="" k=0 kills=0
while [ $k -lt 1000 ]; do
	for case in kill-next kill-undone; do
		o=$tmp/r-$k-$case
		inputs old
		build "$o"
		inputs new
		build "$o" FAULT_RENAME=$k FAULT_ONCE=1 FAULT_KILL=1 LD_PRELOAD="$FAULT"
		[ $st = 0 ] && break 2	# past the last rename
		if [ $st != 137 ]; then
			bad="$bad $k-$case(status $st)"
		else
			rebuild_after_kill $case "$k-$case"
			kills=$((kills + 1))
		fi
		rm -rf "$o"
	done
	k=$((2 * k + 2))
done
inputs old
if [ -z "$bad" ] && [ $kills -gt 6 ]; then
	echo "ok - equiv-crash: an edit's build killed at its renames (the 1st, 3rd, 7th… of its commit): the next build equals a full build, with the edit kept or undone ($kills cases)"
else
	echo "not ok - equiv-crash: an edit's build killed at a rename of its commit, then built again, differs from a full build:${bad:- no rename was met}"
fi
if [ $between -gt 0 ]; then
	echo "ok - equiv-crash: $between of those builds stopped after the new pages were in place and before the state was saved"
else
	echo "not ok - equiv-crash: no death came between the pages and the state (the test no longer tests what it says)"
fi

# A file system that keeps times to the second (ext4 with small inodes, FAT):
# a page the killed build replaced by one of the same size, in the second of
# the state's, must not pass for the earlier page. Simulated: a same-size edit
# (one character for another of the same length), the build killed at its
# state, then every file it left with its earlier size given back its earlier
# mtime; the edit undone, the next build must equal a full build.
inputs old
o=$tmp/coarse
build "$o"
grep -q '的' "$f2" || printf '\n的\n' >>"$f2"
build "$o"
cp "$f2" "$tmp/f2-before"
cp -a "$o" "$tmp/coarse-before"
sed -i '0,/的/s//地/' "$f2"
build "$o" FAULT_RENAME_TO=.sitegen-state FAULT_RENAME=0 FAULT_ONCE=1 FAULT_KILL=1 LD_PRELOAD="$FAULT"
killed=$st
# (in one python3, where two stat and a touch per file took ~1.5 s)
python3 - "$o" "$tmp/coarse-before" <<'EOF'
import os, sys
out, before = sys.argv[1], sys.argv[2]
for top, _, files in os.walk(out):
    for name in files:
        if name.startswith(".sitegen-state"):
            continue
        path = os.path.join(top, name)
        was = os.path.join(before, os.path.relpath(path, out))
        if os.path.isfile(was) and os.path.getsize(was) == os.path.getsize(path):
            st = os.stat(was)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # touch -r
EOF
cp "$tmp/f2-before" "$f2"
build "$o"
rm -rf "$tmp/coarse-ref"
build "$tmp/coarse-ref"
if [ "$killed" = 137 ] && [ $st = 0 ] && same "$tmp/coarse-ref" "$o"; then
	echo "ok - equiv-crash: a same-size edit's build killed at its state, its pages given the earlier mtimes (a clock of seconds), then undone: the next build equals a full build"
else
	echo "not ok - equiv-crash: a same-size page with the earlier mtime, left by a killed build, was kept (killed: $killed, status $st)"
	head -5 "$tmp/diff" | sed 's/^/#   /'
fi
inputs old
