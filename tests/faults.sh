#!/bin/sh
# Failure injection: the generator as users run it, with calls made to fail
# by tests/fault/fault.c (LD_PRELOAD): threads that cannot start, memory
# that runs out, a full disk, a rename or an open that fails. Each check
# asserts the exit status, the message, and that the previous output is
# untouched (or, where the build succeeds, that it equals a normal build);
# and that the next normal build repairs to a full build's output.
set -u
. tests/lib.sh
B=${B:-build}
BIN=$B/sitegen
FAULT=$(pwd)/$B/tests/fault.so
CFG=config.yml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() {	# ok? description
	if [ "$1" = 0 ]; then echo "ok - faults: $2"; else echo "not ok - faults: $2"; fi
}
# A sanitizer's runtime must be the first library loaded: no LD_PRELOAD then.
if sanitized "$BIN"; then
	echo "skip - faults: $BIN is built with a sanitizer, which cannot run under LD_PRELOAD"
	exit 0
fi
# same DIR1 DIR2: the same files with the same bytes (the state file aside).
same() {
	diff -r -x .sitegen-state "$1" "$2" >/dev/null 2>&1
}
build() {	# out-dir [config] [env…]: status in $st, messages in $tmp/err
	out=$1
	cfg=${2:-$CFG}
	shift 2 2>/dev/null || shift $#
	env "$@" LD_PRELOAD="$FAULT" timeout 30 "$BIN" --config "$cfg" --content content --out "$out" --quiet \
		2>"$tmp/err" >/dev/null
	st=$?
}

# The reference: the archive built normally, once with each title.
sed 's/^title: .*/title: 改过的标题/' $CFG >"$tmp/cfg2.yml"
"$BIN" --config $CFG --content content --out "$tmp/ref1" --quiet
"$BIN" --config "$tmp/cfg2.yml" --content content --out "$tmp/ref2" --quiet

# Threads that cannot start: the build runs on fewer, with one warning.
build "$tmp/t0" "$CFG" FAULT_THREADS=0
say "$([ $st = 0 ] && same "$tmp/ref1" "$tmp/t0" && [ "$(grep -c 'threads could not start' "$tmp/err")" = 1 ] && echo 0 || echo 1)" \
	"no thread can start: the build succeeds on the calling thread alone, the same output, one warning"
env FAULT_THREADS=3 LD_PRELOAD="$FAULT" timeout 30 "$BIN" --config $CFG --content content --out "$tmp/t3" \
	--quiet --jobs 8 2>"$tmp/err"
st=$?
say "$([ $st = 0 ] && same "$tmp/ref1" "$tmp/t3" && echo 0 || echo 1)" \
	"only a few of 8 threads start: the same output"

# A rebuild in which every page changes (a new title) meets a fault.
# prev: what the output held before.
rebuild() {	# name env…: copies ref1 to $tmp/name and rebuilds it with cfg2
	name=$1
	shift
	rm -rf "$tmp/$name"
	cp -a "$tmp/ref1" "$tmp/$name"
	build "$tmp/$name" "$tmp/cfg2.yml" "$@"
}
repaired() {	# name: a normal build now gives the full build's output
	"$BIN" --config "$tmp/cfg2.yml" --content content --out "$tmp/$1" --quiet 2>/dev/null &&
		same "$tmp/ref2" "$tmp/$1" && [ ! -e "$tmp/$1/.staging" ]
}

# Without openat2 (an old kernel, a seccomp filter), the commit opens each
# page's folder component by component (write_files.c: open_walking).
rebuild noat2 FAULT_NO_OPENAT2=1
say "$([ $st = 0 ] && same "$tmp/ref2" "$tmp/noat2" && echo 0 || echo 1)" \
	"without openat2, a rebuild's commit reaches every page's folder the other way: the full build's output"

build "$tmp/noat2first" "$CFG" FAULT_NO_OPENAT2=1
say "$([ $st = 0 ] && same "$tmp/ref1" "$tmp/noat2first" && echo 0 || echo 1)" \
	"without openat2, a first build writes every page through its folders the other way: the full build's output"

rebuild full FAULT_WRITE=5
say "$([ $st = 1 ] && grep -q 'error: cannot write: No space left on device' "$tmp/err" &&
	grep -q 'the output was not changed' "$tmp/err" && same "$tmp/ref1" "$tmp/full" && echo 0 || echo 1)" \
	"a full disk while pages are written: exit 1, the reason, the previous output untouched"
say "$([ "$(grep -c 'cannot write: No space left' "$tmp/err")" = 5 ] && grep -q 'more files could not be written either' "$tmp/err" && echo 0 || echo 1)" \
	"a full disk names the first five files it could not write and counts the rest, not one line per page"
say "$(repaired full && echo 0 || echo 1)" "after the full disk, the next build gives the full output"

rebuild ren1 FAULT_RENAME=3 FAULT_ONCE=1
say "$([ $st = 1 ] && grep -q 'error: cannot move into place: Input/output error' "$tmp/err" &&
	grep -q 'the output was not changed' "$tmp/err" && same "$tmp/ref1" "$tmp/ren1" && echo 0 || echo 1)" \
	"a rename that fails part way through the commit: the files already moved are put back, the output as before"
say "$(repaired ren1 && echo 0 || echo 1)" "after the failed commit, the next build gives the full output"

rebuild ren FAULT_RENAME=3
say "$([ $st = 1 ] && grep -q 'cannot put the previous file back' "$tmp/err" &&
	grep -q 'the output may be partly updated: build again' "$tmp/err" && echo 0 || echo 1)" \
	"renames that keep failing: the message says the output may be partly updated"
say "$(repaired ren && echo 0 || echo 1)" "once renames work again, the next build gives the full output"

# (without the parse cache, which would not open an unchanged file: a real
# loss of permission changes its ctime, so the cache does not serve it either)
rebuild open FAULT_OPEN=2022-10-31-changning SITEGEN_CACHE_DIR=off
say "$([ $st = 1 ] && grep -q '^content/2022/2022-10-31-changning-lianxinka.md: error: cannot read: Permission denied' "$tmp/err" &&
	same "$tmp/ref1" "$tmp/open" && echo 0 || echo 1)" \
	"an article that cannot be opened: its path and the reason, the previous output untouched"

# Memory that runs out at points all through the build: a clear message and
# exit 2, never a crash or a hang, and never a damaged output.
# Without the memo of ICU's answers the build opens ICU's transliterators
# (whose own allocations are then swept too); with it, far fewer are made.
SITEGEN_CACHE_DIR=$tmp/memo "$BIN" --config "$tmp/cfg2.yml" --content content --out "$tmp/memo-fill" --quiet
bad=""
for n in 0 50 500 2000 6000 20000 60000 memo0 memo500 memo6000 memo20000; do
	case $n in
	memo*) rebuild mem FAULT_MALLOC=${n#memo} SITEGEN_CACHE_DIR=$tmp/memo ;;
	*) rebuild mem FAULT_MALLOC=$n SITEGEN_CACHE_DIR=off ;;
	esac
	# (an exit for want of memory cannot tidy up: the staging directory,
	# ours and hidden, stays until the next build)
	if [ $st != 2 ] || ! grep -q '^fatal: out of memory' "$tmp/err" ||
		! diff -r -x .sitegen-state -x .staging "$tmp/ref1" "$tmp/mem" >/dev/null 2>&1 ||
		! repaired mem; then
		bad="$bad $n(status $st)"
	fi
done
say "$([ -z "$bad" ] && echo 0 || echo 1)" \
	"memory running out after 0 to 60,000 allocations (0 to 20,000 with a memo): exit 2 with 'out of memory', the previous output untouched, the next build repairs${bad:+; failed at:$bad}"

# Where hard links cannot be made (vfat, some shares), a rebuild still commits.
rebuild nolink FAULT_LINK=0
say "$([ $st = 0 ] && same "$tmp/ref2" "$tmp/nolink" && echo 0 || echo 1)" \
	"with no hard links to be had, a rebuild keeps the old files by renaming them and succeeds"

# The state, written last, fails after the one changed file moved in: the
# message says the output was updated. (Renames: the stylesheet, the state;
# the earlier state stands during a commit that only replaces files it lists.)
S2=$tmp/st
mkdir -p "$S2" && cp -r theme "$S2/theme"
"$BIN" --config $CFG --content content --theme "$S2/theme" --out "$S2/out" --quiet
echo '/* edited */' >>"$S2/theme/static/style.css"
env FAULT_RENAME=1 FAULT_ONCE=1 LD_PRELOAD="$FAULT" timeout 30 "$BIN" --config $CFG --content content \
	--theme "$S2/theme" --out "$S2/out" --quiet 2>"$tmp/err"
st=$?
say "$([ $st = 1 ] && grep -q 'cannot write .sitegen-state' "$tmp/err" &&
	grep -q 'the output was updated, but its state was not saved' "$tmp/err" &&
	tail -c 14 "$S2/out/assets/style.css" | grep -q 'edited' && echo 0 || echo 1)" \
	"a state that cannot be saved after the commit: the message says the output was updated (it was)"

# A commit undone (a rename fails midway) puts the earlier state back too: the
# next build keeps every page it kept before, where it made them all again.
U=$tmp/undo
cp -r content "$tmp/undo-content"
in_undo() {	# env…: a build of undo-content into $U, timed
	env "$@" SITEGEN_TIMING=1 LD_PRELOAD="$FAULT" timeout 30 "$BIN" --config $CFG --content "$tmp/undo-content" \
		--out "$U" --quiet 2>"$tmp/err" >/dev/null
	st=$?
}
in_undo
printf '\n又补一句。\n' >>"$(find "$tmp/undo-content" -name '*.md' | sort | sed -n 3p)"
in_undo FAULT_RENAME=3 FAULT_ONCE=1
undone=$st
grep -q 'the output was not changed' "$tmp/err" || undone=x
in_undo
say "$([ $undone = 1 ] && [ $st = 0 ] && grep -q '^sitegen: pages made 1, kept [1-9]' "$tmp/err" && echo 0 || echo 1)" \
	"after a commit that was undone, the next build is incremental again ($(grep -o 'pages made [0-9]*' "$tmp/err"))"

# A new report with a new tag whose commit is undone at several points: no
# folder the commit made stays behind (empty), the output is as it was.
printf -- '---\ntitle: 全新的报道\ndate: 2022-06-01\ncity: 太原市\ntags: [全新标签]\n---\n\n正文。\n' \
	>"$tmp/undo-content/2022/zz-new.md"
bad=
for n in 2 8 20 40; do
	rm -rf "$tmp/undo-before" && cp -a "$U" "$tmp/undo-before"
	in_undo FAULT_RENAME=$n FAULT_ONCE=1
	if [ $st = 0 ]; then
		bad="$bad $n(committed: fewer renames)"
		rm -rf "$U" && cp -a "$tmp/undo-before" "$U"
	elif ! grep -q 'the output was not changed' "$tmp/err" || [ -n "$(find "$U" -type d -empty)" ] ||
		! diff -r "$tmp/undo-before" "$U" >/dev/null 2>&1; then
		bad="$bad $n($(find "$U" -type d -empty | sed "s|$U/||" | head -3 | tr '\n' ' '))"
	fi
done
say "$([ -z "$bad" ] && echo 0 || echo 1)" \
	"a commit of a new report and tag undone at the 3rd to 41st rename leaves no folder it made${bad:+; left:$bad}"

# A file that became a folder (moved aside first), then a rename that fails:
# the file is back where it was, with every page.
W=$tmp/fd
mkdir -p "$W" && cp -r theme "$W/theme" && echo 'a { }' >"$W/theme/static/extra"
"$BIN" --config $CFG --content content --theme "$W/theme" --out "$W/out" --quiet
cp -a "$W/out" "$W/before"
rm "$W/theme/static/extra" && mkdir "$W/theme/static/extra" && echo 'b { }' >"$W/theme/static/extra/more.css"
env FAULT_RENAME=4 FAULT_ONCE=1 LD_PRELOAD="$FAULT" timeout 30 "$BIN" --config "$tmp/cfg2.yml" --content content \
	--theme "$W/theme" --out "$W/out" --quiet 2>"$tmp/err"
st=$?
say "$([ $st = 1 ] && grep -q 'the output was not changed' "$tmp/err" && same "$W/before" "$W/out" && echo 0 || echo 1)" \
	"a file that became a folder is put back with every page when a later rename fails"

# An assets folder that became a file, and a page that cannot be replaced
# (chattr +i: root on a file system that has it): everything is put back.
T=$tmp/swap
mkdir -p "$T"
cp -r theme "$T/theme"
mkdir "$T/theme/static/img" && echo old >"$T/theme/static/img/logo.svg"
"$BIN" --config $CFG --content content --theme "$T/theme" --out "$T/out" --quiet
cp -a "$T/out" "$T/before"
rm -r "$T/theme/static/img" && echo new >"$T/theme/static/img"
echo '/* edited */' >>"$T/theme/static/style.css"
if chattr +i "$T/out/assets/style.css" 2>/dev/null; then
	timeout 30 "$BIN" --config $CFG --content content --theme "$T/theme" --out "$T/out" --quiet 2>"$tmp/err"
	st=$?
	chattr -i "$T/out/assets/style.css"
	say "$([ $st = 1 ] && grep -q 'the output was not changed' "$tmp/err" && same "$T/before" "$T/out" && echo 0 || echo 1)" \
		"a folder replaced by a file, then a page that cannot be replaced: the folder and every page are put back"
	# a stale page of an earlier build that cannot be removed is a warning, and stays listed
	f=$(ls content/2022/*.md | head -1)
	mkdir -p "$T/c" && cp -r content/* "$T/c/" && rm "$T/c/2022/$(basename "$f")"
	slug=$(basename "$f" .md)
	chattr +i "$T/out/reports/$slug/index.html"
	timeout 30 "$BIN" --config $CFG --content "$T/c" --theme "$T/theme" --out "$T/out" --quiet 2>"$tmp/err"
	st=$?
	chattr -i "$T/out/reports/$slug/index.html"
	"$BIN" --config $CFG --content "$T/c" --theme "$T/theme" --out "$T/out" --quiet --force 2>/dev/null
	say "$([ $st = 0 ] && grep -q "reports/$slug/index.html: warning: cannot remove this page of an earlier build" "$tmp/err" &&
		[ ! -e "$T/out/reports/$slug" ] && echo 0 || echo 1)" \
		"a stale page that cannot be removed is a warning, and the next build removes it"
	# a staging directory left by a killed build that cannot be removed: said, with what to do
	mkdir -p "$T/out/.staging/left"
	echo x >"$T/out/.staging/left/page.html"
	chattr +i "$T/out/.staging/left/page.html"
	cp -r "$T/out" "$T/before-stuck"
	timeout 30 "$BIN" --config $CFG --content "$T/c" --theme "$T/theme" --out "$T/out" --quiet 2>"$tmp/err"
	st=$?
	chattr -i "$T/out/.staging/left/page.html"
	say "$([ $st = 1 ] && grep -q "\.staging: error: a staging directory left by an earlier build cannot be removed .*: remove it by hand; the output was not changed" "$tmp/err" &&
		same "$T/before-stuck" "$T/out" && echo 0 || echo 1)" \
		"a staging directory that cannot be removed: the build says so and what to do, the output unchanged"
	rm -rf "$T/out/.staging" "$T/before-stuck"
else
	echo "skip - faults: chattr +i is not available here (needs root and a file system that has it)"
fi

# A first build into an empty folder (given through a link) that fails: what
# it wrote is removed from the folder it locked, not from wherever the link
# points by then (found by a hostile review: the link pointed at another
# folder while the build ran, and the failed build emptied that one).
mkdir "$tmp/f1" "$tmp/f1/empty" "$tmp/f1/victim" "$tmp/f1/victim/sub"
echo precious >"$tmp/f1/victim/file1"
echo deep >"$tmp/f1/victim/sub/x"
ln -s empty "$tmp/f1/link"
slow=$(ls content/2022/*.md | head -1)
slow=reports/$(basename "$slow" .md)/index.html
env LD_PRELOAD="$FAULT" FAULT_SLOW="$slow" FAULT_SLOW_MS=1500 FAULT_SLOW_MARK="$tmp/f1/mark" FAULT_WRITE=60 \
	"$BIN" --config $CFG --out "$tmp/f1/link" --quiet --jobs 1 2>"$tmp/f1/err" &
pid=$!
i=0
while [ ! -e "$tmp/f1/mark" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
ln -sfn victim "$tmp/f1/link"
wait $pid
st=$?
say "$([ $st != 0 ] && [ -e "$tmp/f1/mark" ] && [ "$(cat "$tmp/f1/victim/file1" 2>/dev/null)" = precious ] &&
	[ "$(cat "$tmp/f1/victim/sub/x" 2>/dev/null)" = deep ] && echo 0 || echo 1)" \
	"a failed first build whose output's link was pointed elsewhere meanwhile empties only the folder it locked"
